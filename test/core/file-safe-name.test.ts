import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSafeName } from '../../src/core/file-safe-name.js';

describe('fileSafeName', () => {
  it('keeps a dossier id that is already a safe name', () => {
    for (const id of ['D0001', 'crm', 'acme_2024', 'a.b-c']) expect(fileSafeName(id)).toBe(id);
  });

  it('never gives a name that leaves its folder, or a hidden one', () => {
    const out = path.join('/evidence', 'chosen');
    for (const id of ['..', '.', '../../etc', '.hidden', '/abs', 'a/../../b', 'C:\\\\x']) {
      const name = fileSafeName(id);
      expect(name).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
      expect(path.dirname(path.join(out, name))).toBe(out);
    }
  });

  it('gives two ids that clean alike two names, and a very long id a short one', () => {
    expect(fileSafeName('a/b')).not.toBe(fileSafeName('a\\\\b'));
    expect(fileSafeName('a/b')).not.toBe('a_b');
    const long = fileSafeName('x'.repeat(5000));
    expect(long.length).toBeLessThanOrEqual(71);
    expect(long).not.toBe(fileSafeName('x'.repeat(4999)));
  });
});
