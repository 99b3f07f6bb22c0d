import Papa from 'papaparse';
import type { Newline } from './sniff-delimited-text.js';

export interface CsvRowHandler {
  /** A row split into values; `raw` is its text without the final line break; `line` the physical line it starts on. */
  row(values: string[], raw: string, line: number): void;
  /** A line whose quotes do not balance. */
  malformed(raw: string, line: number, message: string): void;
  /** The row about to be given starts on `line` and spans more lines (`raw`): a quoted field holds line breaks. */
  spansLines?(line: number, raw: string): void;
}

export interface CsvRowSplitterOptions {
  readonly delimiter: string;
  readonly newline: Newline;
  readonly quote: string;
  /**
   * A row still open after this many characters is taken for an unclosed quote: without a bound, one stray quote
   * would buffer the rest of a multi-gigabyte file.
   */
  readonly maxRowChars?: number;
}

const DEFAULT_MAX_ROW_CHARS = 4 * 1024 * 1024;

/** What the ledger keeps of a line too long to be a row. */
const KEPT_OF_LONG_LINE = 64 * 1024;

/** Below this, an unfinished row is simply parsed again with the next chunk; above, only once the text doubled. */
const RETRY_FLOOR = 64 * 1024;

const quoteMessages: Readonly<Record<string, string>> = {
  MissingQuotes: 'a quoted field is never closed (unclosed quote)',
  InvalidQuotes: 'a closing quote is followed by other characters (stray quote)',
};

/** Physical line breaks inside a row's text: LF, CRLF and CR each count once, whatever the file's row separator. */
const countLineBreaks = (text: string): number => {
  if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) return 0;
  let breaks = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 10) breaks += 1;
    else if (code === 13) {
      breaks += 1;
      if (text.charCodeAt(index + 1) === 10) index += 1;
    }
  }
  return breaks;
};

/** A break other than `newline` in text whose breaks should all be `newline` (a CRLF cut by a chunk end counts). */
const hasOtherBreak = (text: string, newline: Newline): boolean =>
  newline === '\n'
    ? text.indexOf('\r') !== -1
    : newline === '\r'
      ? text.indexOf('\n') !== -1
      : /\r(?!\n)|(?<!\r)\n/.test(text);

/**
 * `text` (which starts a row) with every row break outside quoted fields written as `newline`: LF, CRLF, CR, and
 * CR CR LF (a CRLF file converted once more) each end a row. Breaks inside quoted fields are values, kept as they
 * are. A file whose lines end in CRLF for a while and then LF (two exports put together, a line edited by hand) was
 * split on its first kind only: the rest became one record, rejected, its rows never counted.
 *
 * Quoted fields are told as papaparse tells them: a quote opens one only at the start of a field, so the inch mark of
 * `12" screen` is a character of its value (counting every quote took it for an opening one, and the breaks after it
 * were kept as values: rows merged, and a CR left at the end of values); inside a quoted field, `""` is a quote.
 */
const unifyRowBreaks = (text: string, newline: Newline, quote: string, delimiter: string): string => {
  const quoteCode = quote.charCodeAt(0);
  const delimiterCode = delimiter.charCodeAt(0);
  let quoted = false;
  let fieldStart = true;
  let unified = '';
  let copiedTo = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (quoted) {
      if (code !== quoteCode) continue;
      // `""` inside quotes is one quote; a lone one closes the field.
      if (text.charCodeAt(index + 1) === quoteCode) index++;
      else quoted = false;
      continue;
    }
    if (fieldStart && code === quoteCode) {
      quoted = true;
      fieldStart = false;
      continue;
    }
    if (code === delimiterCode && text.startsWith(delimiter, index)) {
      fieldStart = true;
      index += delimiter.length - 1;
      continue;
    }
    if (code !== 10 && code !== 13) {
      fieldStart = false;
      continue;
    }
    fieldStart = true;
    let end = index + 1;
    if (code === 13 && text.charCodeAt(end) === 10) end += 1;
    else if (code === 13 && text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10) end += 2;
    if (end - index !== newline.length || !text.startsWith(newline, index)) {
      unified += text.slice(copiedTo, index) + newline;
      copiedTo = end;
    }
    index = end - 1;
  }
  return copiedTo === 0 ? text : unified + text.slice(copiedTo);
};

/**
 * Where the first line of `text` ends and the next begins: at `newline`, or, without one (breaks mixed), at any
 * break. Undefined when the text holds no break yet.
 */
const firstBreak = (
  text: string,
  newline: Newline | undefined,
): { end: number; next: number } | undefined => {
  if (newline !== undefined) {
    const end = text.indexOf(newline);
    return end === -1 ? undefined : { end, next: end + newline.length };
  }
  const match = /\r\r\n|\r\n|\r|\n/.exec(text);
  return match === null ? undefined : { end: match.index, next: match.index + match[0].length };
};

/**
 * Splits decoded CSV text, pushed chunk by chunk, into rows with papaparse's parser, keeping what papaparse does not
 * give: each row's raw text and the physical line it starts on (a quoted field may span lines).
 *
 * A row whose quotes do not balance is where papaparse would swallow the following lines into one field (an
 * unclosed quote eats the rest of the file). Such a row is reported as its first physical line alone, and parsing
 * starts again on the next line, so one bad quote costs one record, not the rest of the file.
 *
 * Rows end at `newline`; once the text holds another kind of line break, every break outside quotes ends a row (see
 * unifyRowBreaks).
 */
export const createCsvRowSplitter = (options: CsvRowSplitterOptions, handler: CsvRowHandler) => {
  const { delimiter, newline, quote } = options;
  const maxRowChars = options.maxRowChars ?? DEFAULT_MAX_ROW_CHARS;
  const newlineLength = newline.length;
  /** Text not yet split; it always starts at the beginning of a row. */
  let pending = '';
  /** The rest of a line too long to be a row is being passed over, up to its line break. */
  let skippingLine = false;
  /** The physical line of `pending`'s first character. */
  let line = 1;
  let retryAt = 0;
  /** Whether the text has shown a line break other than `newline`: from then on, any break ends a row. */
  let mixed = false;
  /**
   * The CRs ending the text pushed so far, held back when they may begin a longer break (CRLF, CR CR LF) that the
   * next text completes: in a CR file, or once breaks are mixed.
   */
  let heldReturns = '';

  /** Rejects the first physical line of `text` and returns where the next one starts. */
  const rejectFirstLine = (text: string, message: string): number => {
    const found = firstBreak(text, mixed ? undefined : newline);
    const raw = found === undefined ? text : text.slice(0, found.end);
    handler.malformed(raw, line, message);
    line += countLineBreaks(raw) + 1;
    return found?.next ?? text.length;
  };

  const otherBreak = newline === '\n' ? '\r' : '\n';

  /**
   * Rows of `source` from `from` up to `to` (just after a line break) that hold no quote character. This is what
   * papaparse's own fast mode does (split lines, then values), done here so that each line is kept as the raw
   * text instead of papaparse building and dropping a result object per row: that garbage makes the GC run more
   * often while a consumer holds a batch of records, and skipping it read a 1M-row file about a quarter faster.
   */
  const splitQuoteFree = (from: number, to: number): void => {
    const text = from === 0 && to === source.length ? source : source.slice(from, to);
    const lines = text.split(newline);
    const count = lines.length - 1;
    // Two loops, not one with a condition: TurboFan re-ran the pure `text.indexOf` of the condition inside the loop,
    // once per row over the whole chunk, which made splitting quadratic (seen with callgrind: a quarter of all work).
    if (newline !== '\r\n' && text.indexOf(otherBreak) === -1) {
      for (let index = 0; index < count; index += 1) {
        const raw = lines[index] as string;
        handler.row(raw.split(delimiter), raw, line);
        line += 1;
      }
      return;
    }
    for (let index = 0; index < count; index += 1) {
      const raw = lines[index] as string;
      handler.row(raw.split(delimiter), raw, line);
      line += countLineBreaks(raw) + 1;
    }
  };

  // The parse state lives here rather than in a closure per chunk: one parser serves the whole file (a new one is
  // made only after an abort, which papaparse cannot undo).
  let source = '';
  let start = 0;
  let broken: string | undefined;
  const step = (results: Papa.ParseStepResult<string[][]>): void => {
    const error = results.errors[0];
    if (error !== undefined) {
      broken = quoteMessages[error.code] ?? error.message;
      parser.abort();
      return;
    }
    const end = results.meta.cursor;
    const terminated = end - newlineLength >= start && source.startsWith(newline, end - newlineLength);
    const raw = source.slice(start, terminated ? end - newlineLength : end);
    // Only rows holding a quote come here: those are the only ones that can span lines.
    const breaks = countLineBreaks(raw);
    if (breaks > 0) handler.spansLines?.(line, raw);
    handler.row(results.data[0] as string[], raw, line);
    if (terminated) line += breaks + 1;
    start = end;
  };
  const newParser = (): Papa.Parser => new Papa.Parser({ delimiter, newline, quoteChar: quote, step });
  let parser = newParser();

  /** Splits every complete row of `pending`; with `final`, the text is all there is. */
  const consume = (final: boolean): void => {
    source = mixed ? unifyRowBreaks(pending, newline, quote, delimiter) : pending;
    for (;;) {
      start = 0;
      broken = undefined;
      // Lines before the first quote need no quote-aware parsing.
      const firstQuote = source.indexOf(quote);
      const lastBreak = source.lastIndexOf(
        newline,
        (firstQuote === -1 ? source.length : firstQuote) - newlineLength,
      );
      if (lastBreak >= 0) {
        start = lastBreak + newlineLength;
        splitQuoteFree(0, start);
      }
      // papaparse takes the rest: from the first line with a quote, or the last line when the text is complete.
      if (start < source.length && (firstQuote !== -1 || final)) {
        parser.parse(start === 0 ? source : source.slice(start), start, !final);
      }
      const rest = start === 0 ? source : source.slice(start);
      if (broken !== undefined) {
        parser = newParser();
        source = rest.slice(rejectFirstLine(rest, broken));
        // The quote that broke the row also misled the unifying scan after it: scanned again from the next row.
        if (mixed) source = unifyRowBreaks(source, newline, quote, delimiter);
        continue;
      }
      if (final || rest.length === 0) {
        pending = '';
        return;
      }
      if (rest.length > maxRowChars) {
        if (rest.indexOf(newline) === -1) {
          // One physical line longer than the bound, quote or not: it is one record, rejected with the start of its
          // text, and the rest of the line is passed over as it arrives (never held, never split into records).
          handler.malformed(
            `${rest.slice(0, KEPT_OF_LONG_LINE)}…`,
            line,
            `the line holds more than ${maxRowChars.toLocaleString('en-US')} characters; it is rejected alone (the ledger keeps its first ${KEPT_OF_LONG_LINE.toLocaleString('en-US')})`,
          );
          pending = '';
          skippingLine = true;
          retryAt = 0;
          return;
        }
        source = rest.slice(
          rejectFirstLine(
            rest,
            `${quoteMessages.MissingQuotes}, or holds more than ${maxRowChars.toLocaleString('en-US')} characters`,
          ),
        );
        if (mixed) source = unifyRowBreaks(source, newline, quote, delimiter);
        continue;
      }
      pending = rest;
      retryAt = rest.length > RETRY_FLOOR ? rest.length * 2 : 0;
      return;
    }
  };

  return {
    push(chunk: string): void {
      let text = heldReturns + chunk;
      heldReturns = '';
      mixed ||= hasOtherBreak(text, newline);
      if ((mixed || newline === '\r') && text.endsWith('\r')) {
        let kept = text.length - 1;
        while (kept > 0 && text.charCodeAt(kept - 1) === 13) kept--;
        heldReturns = text.slice(kept);
        text = text.slice(0, kept);
      }
      if (skippingLine) {
        const found = firstBreak(text, mixed ? undefined : newline);
        if (found === undefined) return;
        skippingLine = false;
        line += 1;
        text = text.slice(found.next);
      }
      if (text.length === 0) return;
      pending = pending.length === 0 ? text : pending + text;
      if (pending.length >= retryAt) consume(false);
    },
    end(): void {
      if (heldReturns !== '') {
        pending += heldReturns;
        heldReturns = '';
      }
      if (pending.length > 0) consume(true);
    },
  };
};
