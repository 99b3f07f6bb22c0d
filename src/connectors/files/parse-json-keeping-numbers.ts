import { messageOf } from '../../core/errors.js';

/** A JSON number as RFC 8259 writes it: what may be quoted into a string without accepting anything JSON refuses. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

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
 * JSON.parse, except that every number, at any depth, is its text exactly as written: a binary float would turn
 * 12345678901234567.89 into 12345678901234568 and two 20-digit ids into one, and the mapping's exact decimals and
 * integers must see the digits of the file. Each number token is checked against the JSON grammar and quoted, then
 * JSON.parse reads the rest (strings, escapes, duplicate keys, `__proto__` as an own key, all as JSON.parse does).
 */
export const parseJsonKeepingNumbers = (text: string): unknown => {
  const length = text.length;
  let quoted = '';
  /** Where the text not yet copied into `quoted` starts. */
  let copied = 0;
  let index = 0;
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
      quoted += `${text.slice(copied, index)}"${literal}"`;
      copied = end;
      index = end;
    } else {
      index += 1;
    }
  }
  if (copied === 0) return JSON.parse(text);
  try {
    return JSON.parse(quoted + text.slice(copied));
  } catch (error) {
    // The quotes added shift positions: the message about the text as written is the one to give.
    return refuse(text, messageOf(error));
  }
};
