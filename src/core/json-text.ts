/**
 * A number inside a nested object or array of a JSON source record (see parseJsonKeepingNumbers), kept as its text
 * exactly as written: `48.850` stays `48.850`, `12345678901234567890` stays that. A field value at the top of a
 * record is a plain string instead (the mapping parses it into its column's type); a nested one must stay a number
 * when the value is written back as JSON (jsonText), or the number 75001 and the string "75001" would read the same.
 *
 * Why a String object rather than a class of its own or a string with a reserved mark: no source gives a String
 * object (JSON.parse, CSV, XLSX and the SQL drivers give primitive strings), so one is never mistaken for data,
 * where a JSON string can hold any mark (every character can be escaped into one); it survives a structured clone
 * (postMessage to a worker thread) as a String object, where a class instance would arrive as a plain object holding
 * its text, indistinguishable from data; and JSON.stringify, anywhere jsonText is not used, writes it as the quoted
 * text, as before nested numbers were told apart, never as `{}` or a mark. Source records do not cross a thread
 * today (a run reads and maps in one thread, each reconcile thread reads its sources itself, the SQLite writer
 * thread gets mapped rows): this keeps it so if they ever do. Tell one by `isJsonNumber` (`instanceof String`).
 *
 * A plain String object, not a subclass: merely defining `class JsonNumber extends String` slowed every run, CSV to
 * SQLite included, by a quarter (1M contacts: 5.1-6.1 s against 6.8-8.1 s, interleaved; with the alias below, as
 * before); V8 gives up fast paths of its own for strings once String has a subclass.
 */
// eslint-disable-next-line @typescript-eslint/no-wrapper-object-types -- a String object is what tells a JSON number
export type JsonNumber = String;
// eslint-disable-next-line @typescript-eslint/no-wrapper-object-types -- see JsonNumber
export const JsonNumber: new (text?: unknown) => String = String;

/** Whether a value is a nested JSON number (see JsonNumber): any String object, a cloned JsonNumber included. */
// eslint-disable-next-line @typescript-eslint/no-wrapper-object-types -- a String object is what tells a JSON number
export const isJsonNumber = (value: unknown): value is String => value instanceof String;

const hasToJson = (value: object): value is { toJSON: (key: string) => unknown } =>
  typeof (value as { toJSON?: unknown }).toJSON === 'function';

/**
 * One value as JSON.stringify writes it (undefined where it writes nothing), nested JSON numbers unquoted, and NaN
 * and the infinities as their quoted names where JSON.stringify writes null.
 */
const write = (input: unknown, key: string): string | undefined => {
  let value = input;
  if (typeof value === 'object' && value !== null) {
    if (value instanceof String) return value.valueOf();
    if (hasToJson(value)) value = value.toJSON(key);
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // JSON has no NaN or Infinity, which JSON.stringify writes as null: a database's float NaN would read as no
      // value. Written as their names, quoted, they stay what the source held.
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let text = '[';
        for (let index = 0; index < value.length; index += 1) {
          if (index > 0) text += ',';
          text += write(value[index], String(index)) ?? 'null';
        }
        return `${text}]`;
      }
      // A Number, Boolean or String object (a String object a toJSON gave, not a JsonNumber): JSON.stringify unwraps it.
      if (value instanceof Number || value instanceof Boolean || value instanceof String)
        return JSON.stringify(value);
      const object = value as Record<string, unknown>;
      let text = '{';
      for (const name of Object.keys(object)) {
        const member = write(object[name], name);
        if (member === undefined) continue;
        if (text.length > 1) text += ',';
        text += `${JSON.stringify(name)}:${member}`;
      }
      return `${text}}`;
    }
    case 'bigint':
      // JSON.stringify's own TypeError.
      return JSON.stringify(value);
    default:
      // undefined, a function, a symbol: written as nothing (a member left out, null in an array).
      return undefined;
  }
};

/**
 * A field value as JSON text: what JSON.stringify writes, except that a nested JSON number (JsonNumber) is written
 * unquoted, exactly as the source wrote it, and NaN, Infinity and -Infinity as the strings of their names (where
 * JSON.stringify writes null). The one writer of source values as JSON (the mapping's text of an object
 * or array, in a column, a key or a condition, and a dossier id), so that run and reconcile write a value alike.
 * A value nested too deep for the stack throws RangeError, as JSON.stringify does.
 */
export const jsonText = (value: unknown): string | undefined => write(value, '');
