import { describe, expect, it } from 'vitest';
import { fixedShapeMaker, propertyReader } from '../../src/core/fixed-shape.js';

describe('fixed-shape property access', () => {
  it('makes objects holding each value under its name, in order, with the later names filled', () => {
    const make = fixedShapeMaker(['id', 'prénom', 'a "quoted" name', 'back\\slash'], ['derived'], '');
    const made = make(['7', 'Zoé', 'x', 'y']);
    expect(Object.entries(made)).toEqual([
      ['id', '7'],
      ['prénom', 'Zoé'],
      ['a "quoted" name', 'x'],
      ['back\\slash', 'y'],
      ['derived', ''],
    ]);
    // Each call makes a new object.
    expect(make(['8', 'Léa', '', ''])).not.toBe(made);
  });

  it('never runs a name as code: a name that looks like code is only a name', () => {
    const name = '"]; throw new Error("ran"); //';
    expect(fixedShapeMaker([name])(['value'])).toEqual({ [name]: 'value' });
    expect(propertyReader(name)({ [name]: 42 })).toBe(42);
  });

  it('keeps __proto__ and repeated names as plain properties (the later value of a repeated name wins)', () => {
    const made = fixedShapeMaker(['__proto__', 'name', 'name'])(['evil', 'first', 'second']);
    expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
    expect(Object.hasOwn(made, '__proto__')).toBe(true);
    expect(made.name).toBe('second');
    expect(propertyReader('__proto__')(made)).toBe('evil');
    expect(propertyReader('__proto__')({})).toBeUndefined();
  });

  it('does not repeat a later name that is already a column', () => {
    expect(Object.keys(fixedShapeMaker(['a', 'b'], ['b', 'c'])(['1', '2']))).toEqual(['a', 'b', 'c']);
  });

  it('reads a property by name, and undefined where there is none', () => {
    const read = propertyReader('email');
    expect(read({ email: 'a@b.fr', other: 1 })).toBe('a@b.fr');
    expect(read({ other: 1 })).toBeUndefined();
  });
});
