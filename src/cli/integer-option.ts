import { InvalidArgumentError } from 'commander';

export interface IntegerBounds {
  readonly min?: number;
  readonly max?: number;
}

const describeBounds = ({ min, max }: IntegerBounds): string =>
  min !== undefined && max !== undefined
    ? `, from ${min} to ${max}`
    : min !== undefined
      ? `, ${min} or more`
      : max !== undefined
        ? `, ${max} or less`
        : '';

/**
 * Commander argParser for every whole-number option (`--limit`, `--review`, `--dossiers`, `--threads`…), so that a
 * wrong value is refused the same way everywhere: before the command does anything, exit code 2, with commander's
 * one line naming the option and the value as typed (`option '--limit <n>' argument 'abc' is invalid`). Only
 * digits are taken: `Number()` would read '' as 0, '1e3' as 1000 and '0x10' as 16, and let 'abc' through as NaN.
 * Defaults must be given as numbers: commander does not pass them through the parser.
 */
export const integerOption =
  (bounds: IntegerBounds = {}) =>
  (value: string): number => {
    const number = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (
      !Number.isSafeInteger(number) ||
      (bounds.min !== undefined && number < bounds.min) ||
      (bounds.max !== undefined && number > bounds.max)
    )
      throw new InvalidArgumentError(`Expected a whole number${describeBounds(bounds)}.`);
    return number;
  };
