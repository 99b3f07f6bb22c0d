import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/generator/random.js';

const draws = (seed: number, label = '', count = 5) => {
  const random = createRandom(seed, label);
  return Array.from({ length: count }, () => random.next());
};

describe('createRandom (sfc32)', () => {
  it('gives the same sequence for the same seed and label, another for another seed or label', () => {
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
    expect(draws(42, 'a')).not.toEqual(draws(42, 'b'));
  });

  it('pins the sequence, so that generated portfolios stay the same across versions', () => {
    const random = createRandom(1);
    expect(Array.from({ length: 3 }, () => random.int(0, 999_999))).toMatchInlineSnapshot(`
      [
        62971,
        730541,
        743936,
      ]
    `);
  });

  it('forks streams that do not depend on how much the parent has drawn', () => {
    const fresh = createRandom(7);
    const used = createRandom(7);
    for (let index = 0; index < 100; index++) used.next();
    const a = fresh.fork('fec/D0001');
    const b = used.fork('fec/D0001');
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
  });

  it('keeps draws in range and roughly uniform', () => {
    const random = createRandom(3);
    const counts = [0, 0, 0, 0];
    for (let index = 0; index < 40_000; index++) {
      const value = random.int(0, 3);
      counts[value] = (counts[value] ?? 0) + 1;
    }
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    const unit = Array.from({ length: 1000 }, () => random.next());
    expect(unit.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(random.weighted([['only', 1]] as const)).toBe('only');
    expect(random.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
  });

  it('refuses a seed that is not a safe integer', () => {
    expect(() => createRandom(1.5)).toThrow(/seed/);
  });
});
