import { parseFecDate } from './fec-date.js';

/** What the norm's file name `SIRENFECYYYYMMDD[_n].ext` says about the file. */
export interface FecFileName {
  /** The digits before `FEC`: a SIREN has 9; some software writes 10 or more (kept as written, reported). */
  readonly siren: string;
  /** The closing date of the fiscal year as YYYYMMDD, or -1 when the eight digits are not a real date. */
  readonly closingDate: number;
  readonly closingDateText: string;
  /** `_1`, `_2`…: the part of a FEC split into several files, undefined for a whole file. */
  readonly part: number | undefined;
  /** `SIRENFECYYYYMMDD`, the name shared by the parts of one split FEC. */
  readonly stem: string;
}

// Once per file, not per line: a regular expression is the clearest here.
const FEC_NAME = /^([0-9]+)FEC([0-9]{8})(?:_([0-9]+))?(?:\.[^.]*)?$/i;

/** The parts of a FEC file name (a bare name, not a path), or undefined when it does not follow the norm. */
export const parseFecFileName = (name: string): FecFileName | undefined => {
  const match = FEC_NAME.exec(name);
  if (match === null) return undefined;
  const [, siren = '', closingDateText = '', part] = match;
  return {
    siren,
    closingDate: parseFecDate(closingDateText),
    closingDateText,
    part: part === undefined ? undefined : Number(part),
    stem: `${siren}FEC${closingDateText}`,
  };
};

/**
 * The SIREN's check: the Luhn algorithm over its 9 digits (every second digit from the right doubled). La Poste's
 * SIREN 356000000 is the one documented exception (its establishments are numbered another way).
 */
export const isValidSiren = (siren: string): boolean => {
  if (siren.length !== 9) return false;
  if (siren === '356000000') return true;
  let sum = 0;
  for (let index = 0; index < 9; index += 1) {
    const digit = siren.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    // From the right, positions 2, 4, 6, 8 are doubled: from the left in 9 digits, indexes 1, 3, 5, 7.
    const value = index % 2 === 1 ? digit * 2 : digit;
    sum += value > 9 ? value - 9 : value;
  }
  return sum % 10 === 0;
};

/** Files given together, grouped: the parts of one split FEC in part order, each whole file on its own. */
export interface FecFileGroup {
  readonly files: readonly string[];
  readonly name: FecFileName | undefined;
  /** Part numbers absent between 1 and the highest part given. */
  readonly missingParts: readonly number[];
}

/**
 * Groups paths by FEC stem so that `…_1.txt` and `…_2.txt` are read as one FEC, in part order whatever the order
 * given. Names outside the norm, and whole files, are groups of one. `baseName` keeps this free of `node:path`.
 */
export const groupFecFiles = (
  paths: readonly string[],
  baseName: (path: string) => string,
): FecFileGroup[] => {
  const groups: { files: { path: string; part: number }[]; name: FecFileName | undefined }[] = [];
  const byStem = new Map<string, (typeof groups)[number]>();
  for (const path of paths) {
    const name = parseFecFileName(baseName(path));
    if (name?.part === undefined) {
      groups.push({ files: [{ path, part: 0 }], name });
      continue;
    }
    const key = name.stem.toUpperCase();
    let group = byStem.get(key);
    if (group === undefined) {
      group = { files: [], name };
      byStem.set(key, group);
      groups.push(group);
    }
    group.files.push({ path, part: name.part });
  }
  return groups.map((group) => {
    const files = [...group.files].sort((a, b) => a.part - b.part);
    const parts = new Set(files.map((file) => file.part));
    const highest = files.at(-1)?.part ?? 0;
    const missingParts: number[] = [];
    if (group.name?.part !== undefined) {
      for (let part = 1; part <= highest; part += 1) if (!parts.has(part)) missingParts.push(part);
    }
    return { files: files.map((file) => file.path), name: group.name, missingParts };
  });
};
