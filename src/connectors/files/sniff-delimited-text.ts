export type Newline = '\n' | '\r\n' | '\r';

export interface DelimitedLayout {
  /** The most consistent candidate, or undefined when none appears in the first line (a one-column file). */
  readonly delimiter: string | undefined;
  /** The first line break outside quotes (LF when there is none). */
  readonly newline: Newline;
}

/** Enough records to see a pattern; a few malformed lines among them do not change the choice. */
const SAMPLE_RECORDS = 20;

/**
 * Finds the delimiter and line break of delimited text from its first records. Counting is quote-aware: a quote
 * opens a field only at the start of a field (after a line break or a candidate), so `5'11"` or `12" screen` in
 * an unquoted field is data, and a delimiter or line break inside a quoted field is not counted.
 * The winner is the candidate whose count on the first line is matched by the most other lines, then the one
 * with the most fields, then the earliest in `candidates`.
 *
 * @param complete whether `text` is the whole file (else its last, possibly cut, record is ignored)
 */
export const sniffDelimitedText = (
  text: string,
  candidates: readonly string[],
  quote: string | undefined,
  complete: boolean,
): DelimitedLayout => {
  const counts: number[][] = [];
  let current = candidates.map(() => 0);
  let newline: Newline | undefined;
  let inQuotes = false;
  let fieldStart = true;
  let index = 0;
  const length = text.length;
  while (index < length && counts.length < SAMPLE_RECORDS) {
    const char = text[index] as string;
    if (inQuotes) {
      if (char === quote) {
        if (text[index + 1] === quote) index += 1;
        else inQuotes = false;
      }
      index += 1;
      continue;
    }
    if (char === '\n' || char === '\r') {
      const crlf = char === '\r' && text[index + 1] === '\n';
      newline ??= crlf ? '\r\n' : char;
      counts.push(current);
      current = candidates.map(() => 0);
      fieldStart = true;
      index += crlf ? 2 : 1;
      continue;
    }
    const candidate = candidates.indexOf(char);
    if (candidate >= 0) {
      current[candidate] = (current[candidate] as number) + 1;
      fieldStart = true;
    } else if (char === quote && fieldStart) {
      inQuotes = true;
      fieldStart = false;
    } else if (char !== ' ') {
      fieldStart = false;
    }
    index += 1;
  }
  if (complete && index >= length && counts.length < SAMPLE_RECORDS && current.some((count) => count > 0)) {
    counts.push(current);
  }
  return { delimiter: bestCandidate(candidates, counts), newline: newline ?? '\n' };
};

const bestCandidate = (candidates: readonly string[], counts: readonly number[][]): string | undefined => {
  let best: { candidate: string; agree: number; fields: number } | undefined;
  candidates.forEach((candidate, position) => {
    const first = counts[0]?.[position] ?? 0;
    if (first === 0) return;
    const agree = counts.filter((line) => line[position] === first).length;
    if (best === undefined || agree > best.agree || (agree === best.agree && first > best.fields)) {
      best = { candidate, agree, fields: first };
    }
  });
  return best?.candidate;
};
