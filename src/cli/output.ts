import { amountText } from '../core/amount-text.js';
import type { ErrorResult } from './error-result.js';
import { visibleText } from './visible-text.js';

/** Where a command writes: a person at a terminal gets live progress; a script gets quiet, structured output. */
export interface Output {
  readonly json: boolean;
  readonly interactive: boolean;
  /** Human text on stdout (nothing in --json mode). */
  info(line: string): void;
  /** The command's result: JSON on stdout in --json mode. */
  result(value: unknown): void;
  /** Replaces the live progress line on stderr (terminal only). */
  progress(line: string): void;
  clearProgress(): void;
}

/**
 * The progress line's room: the terminal's columns. A pseudo-terminal whose size was never set (`script`, `docker
 * exec -t`, some CI runners) reports 0 columns: taken as a width, it cut every line's last character (`ETA 12 s`
 * shown as `ETA 12 `). Like an unknown width, it gets the classic 80, no wider than most terminals (a wrapped line is
 * not cleared by the next one).
 */
const progressWidth = (): number => {
  const columns = process.stderr.columns;
  return columns !== undefined && columns > 0 ? columns : 80;
};

/** Whether a command's JSON result is on stdout already: a failure after it must not add a second document. */
let resultWritten = false;

const writeJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  resultWritten = true;
};

/** A failed command's JSON on stdout (see ErrorResult), unless its result was printed before it failed. */
export const writeErrorResult = (value: ErrorResult): void => {
  if (!resultWritten) writeJson(value);
};

export const createOutput = (options: { json?: boolean }): Output => {
  const json = options.json === true;
  const interactive = !json && process.stderr.isTTY === true;
  let shown = false;
  return {
    json,
    interactive,
    info: (line) => {
      if (json) return;
      if (shown) {
        process.stderr.write('\r\x1b[2K');
        shown = false;
      }
      process.stdout.write(`${visibleText(line)}\n`);
    },
    result: (value) => {
      if (json) writeJson(value);
    },
    progress: (line) => {
      if (!interactive) return;
      process.stderr.write(`\r\x1b[2K${visibleText(line).slice(0, progressWidth() - 1)}`);
      shown = true;
    },
    clearProgress: () => {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
};

export const formatNumber = (value: number): string => Math.round(value).toLocaleString('en-US');

/** A count and its noun, singular for one: `1 pair`, `1,234 pairs` (`plural` for nouns not made with an s). */
export const formatCount = (value: number, noun: string, plural = `${noun}s`): string =>
  `${formatNumber(value)} ${Math.round(value) === 1 ? noun : plural}`;

/**
 * An exact decimal amount (canonical text, see core/money.ts) with the separators of formatNumber's counts and at
 * least two decimals: `1234567.5` → `1,234,567.50`. From the text, never through a float.
 */
export const formatAmount = (value: string): string =>
  amountText(value, { thousands: ',', decimal: '.', minus: '-' });

export const formatDuration = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
};
