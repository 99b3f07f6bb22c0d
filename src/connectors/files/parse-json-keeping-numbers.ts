import { messageOf } from '../../core/errors.js';
import { JsonNumber } from '../../core/json-text.js';

/** A JSON number as RFC 8259 writes it: what may be quoted into a string without accepting anything JSON refuses. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Characters a number token is made of; anything else ends it. */
const isNumberCharacter = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) ||
  code === 0x2e ||
  code === 0x2b ||
  code === 0x2d ||
  code === 0x45 ||
  code === 0x65;

const isWhiteSpace = (code: number): boolean =>
  code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/** Whether the character at `index` follows an odd run of backslashes. */
const escaped = (text: string, index: number): boolean => {
  let before = index - 1;
  while (text.charCodeAt(before) === BACKSLASH) before -= 1;
  return (index - 1 - before) % 2 === 1;
};

/** JSON.parse's own message for text that is not JSON, so errors read the same as before. */
const refuse = (text: string, why: string): never => {
  JSON.parse(text);
  // Only reached if JSON.parse accepted a number this module refused: say what was refused rather than guess.
  throw new SyntaxError(why);
};

/**
 * Makes the numbers nested in the objects and arrays of `quoted` (the document parsed with every number quoted, so
 * each is its text) JsonNumbers: where `floats` (the same document parsed by JSON.parse as it is) holds a number,
 * `quoted` holds its text. Both come from JSON.parse on the same document, so they have the same shape: the same
 * keys in the same order, duplicate keys and `__proto__` resolved alike. The values at the top of the document
 * (a record's fields) stay strings. Iterative: JSON.parse takes values nested deeper than the stack would.
 */
const markNestedNumbers = (quoted: unknown, floats: unknown): void => {
  if (typeof quoted !== 'object' || quoted === null) return;
  /** Pairs of containers still to visit: the one of `quoted`, then the one of `floats` at the same place. */
  const pending: unknown[] = [];
  const top = quoted as Record<string, unknown>;
  const topFloats = floats as Record<string, unknown>;
  for (const name of Object.keys(top)) {
    const value = top[name];
    if (typeof value === 'object' && value !== null) pending.push(value, topFloats[name]);
  }
  while (pending.length > 0) {
    const float = pending.pop() as Record<string, unknown>;
    const container = pending.pop() as Record<string, unknown>;
    // For an array, its indexes: an own `__proto__` key, as JSON.parse makes it, is assigned as the data property it is.
    for (const name of Object.keys(container)) {
      const twin = float[name];
      if (typeof twin === 'number') container[name] = new JsonNumber(container[name]);
      else if (typeof twin === 'object' && twin !== null) pending.push(container[name], twin);
    }
  }
};

/**
 * JSON.parse, except that every number keeps its text exactly as written: a binary float would turn
 * 12345678901234567.89 into 12345678901234568 and two 20-digit ids into one, and the mapping's exact decimals and
 * integers must see the digits of the file. A number at the top of the document or directly in its top object or
 * array (a record's field) is that text as a string, which the mapping parses into its column's type. A number
 * nested deeper (in an object or array a field holds) is a JsonNumber holding the text, so that the field written
 * back as JSON (jsonText) keeps its numbers numbers: `{"zip":75001}`, never `{"zip":"75001"}`.
 *
 * Each number token is checked against the JSON grammar and quoted, then JSON.parse reads the rest (strings, escapes,
 * duplicate keys, `__proto__` as an own key, all as JSON.parse does). A document with nested numbers is parsed once
 * more as it is, to tell which of its nested strings were numbers (markNestedNumbers): no mark in the text that a
 * string could also hold. A document without nested numbers costs what it did before they were told apart.
 */
export const parseJsonKeepingNumbers = (text: string): unknown => {
  const length = text.length;
  let quoted = '';
  /** Where the text not yet copied into `quoted` starts. */
  let copied = 0;
  let index = 0;
  /** How many objects and arrays the scan is in: a number deeper than 1 is nested in a field. */
  let depth = 0;
  let nestedNumbers = false;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      // A string is passed over whole: digits inside it are text already. Its end is the first quote not escaped.
      let close = text.indexOf('"', index + 1);
      while (close !== -1 && escaped(text, close)) close = text.indexOf('"', close + 1);
      index = close === -1 ? length : close + 1;
    } else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      let end = index + 1;
      while (end < length && isNumberCharacter(text.charCodeAt(end))) end += 1;
      const literal = text.slice(index, end);
      if (!JSON_NUMBER.test(literal)) refuse(text, `${literal} is not a JSON number`);
      // Quoted, a number would be accepted as an object key, which JSON refuses.
      let next = end;
      while (next < length && isWhiteSpace(text.charCodeAt(next))) next += 1;
      if (text.charCodeAt(next) === COLON) refuse(text, `a number (${literal}) cannot be an object key`);
      if (depth > 1) nestedNumbers = true;
      quoted += `${text.slice(copied, index)}"${literal}"`;
      copied = end;
      index = end;
    } else {
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth += 1;
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth -= 1;
      index += 1;
    }
  }
  if (copied === 0) return JSON.parse(text);
  let value: unknown;
  try {
    value = JSON.parse(quoted + text.slice(copied));
  } catch (error) {
    // The quotes added shift positions: the message about the text as written is the one to give.
    return refuse(text, messageOf(error));
  }
  if (nestedNumbers) markNestedNumbers(value, JSON.parse(text));
  return value;
};
