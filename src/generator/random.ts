import { CutoverError, ErrorCode } from '../core/errors.js';

/**
 * The generator's only source of randomness: a small seeded PRNG, so that the same seed writes byte-identical
 * files on every machine and Node version (Math.random cannot be seeded).
 *
 * Algorithm: sfc32 ("small fast counter", Chris Doty-Humphrey, from the PractRand suite): 128 bits of state,
 * passes PractRand and BigCrush, and needs only 32-bit integer operations, which JavaScript does exactly.
 * The state is filled by splitmix32 from a 32-bit FNV-1a hash of the seed and a label, then the generator is
 * run a few rounds so that close seeds do not start with close outputs.
 *
 * Labels make independent streams (`fork`): the FEC of dossier D0007 draws from its own stream, so adding a
 * column to the CRM files does not change a single byte of any FEC.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with the given probability. */
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One item, drawn with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** Standard normal deviate (Box-Muller). */
  normal(): number;
  /** Shuffles in place (Fisher-Yates) and returns the array. */
  shuffle<T>(items: T[]): T[];
  /** An independent stream derived from this one's seed and a label; drawing from it leaves this one as it is. */
  fork(label: string): Random;
}

const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
};

const splitmix32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
};

/** Element `index` of `items`; an out-of-range index is a bug of the generator, never a data problem. */
export const itemAt = <T>(items: readonly T[], index: number): T => {
  const item = items[index];
  if (item === undefined && !(index in items)) {
    throw new CutoverError(ErrorCode.INTERNAL, `generator: index ${index} outside a list of ${items.length}`);
  }
  return item as T;
};

const TWO_POW_32 = 4294967296;

/** A stream of random numbers fully determined by `seed` (any safe integer) and `label`. */
export const createRandom = (seed: number, label = ''): Random => {
  if (!Number.isSafeInteger(seed)) {
    throw new CutoverError(ErrorCode.USAGE, `the seed must be an integer, got ${seed}`);
  }
  const fill = splitmix32(fnv1a(`${seed}/${label}`));
  // The state lives in a typed array: plain variables holding 32-bit values above 2^30 would be boxed as heap
  // numbers on every step, which made the generator eight times slower.
  const state = new Int32Array([fill(), fill(), fill(), fill()]);

  const nextUint32 = (): number => {
    const a = state[0] ?? 0;
    const b = state[1] ?? 0;
    const c = state[2] ?? 0;
    const d = state[3] ?? 0;
    const t = (((a + b) | 0) + d) | 0;
    state[3] = (d + 1) | 0;
    state[0] = b ^ (b >>> 9);
    state[1] = (c + (c << 3)) | 0;
    state[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  };
  for (let round = 0; round < 12; round++) nextUint32();

  const next = (): number => nextUint32() / TWO_POW_32;
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));

  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: (items) => itemAt(items, Math.floor(next() * items.length)),
    weighted: (items) => {
      let total = 0;
      for (const [, weight] of items) total += weight;
      let point = next() * total;
      for (const [item, weight] of items) {
        point -= weight;
        if (point < 0) return item;
      }
      return itemAt(items, items.length - 1)[0];
    },
    normal: () => {
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      return radius * Math.cos(2 * Math.PI * next());
    },
    shuffle: (items) => {
      for (let index = items.length - 1; index > 0; index--) {
        const other = Math.floor(next() * (index + 1));
        const kept = itemAt(items, index);
        items[index] = itemAt(items, other);
        items[other] = kept;
      }
      return items;
    },
    fork: (childLabel) => createRandom(seed, `${label}/${childLabel}`),
  };
};
