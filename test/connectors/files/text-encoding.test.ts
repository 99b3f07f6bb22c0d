import { isAscii, isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { pcgAccounts } from '../../../src/generator/chart-of-accounts.js';
import * as frenchData from '../../../src/generator/french-data.js';
import { chooseEncoding } from '../../../src/connectors/files/text-encoding.js';
import {
  createLineFallback,
  DEFAULT_LEGACY_CHOICE,
  decodeLegacy,
  encodeLegacy,
  legacyEncodingOf,
} from '../../../src/connectors/files/legacy-code-page.js';
import iconv from 'iconv-lite';
import { ibm850, iso885915, latin1 } from './file-fixtures.js';

const encodeWindows1252 = (text: string): Buffer => encodeLegacy(text, 'windows-1252');

/** The code page `auto` picks for a file that is not UTF-8, and the reason its notice gives. */
const legacyOf = (bytes: Buffer) => {
  const choice = chooseEncoding(bytes, 'auto', 'f.csv');
  return { encoding: choice.encoding, message: choice.notice?.message };
};

describe('telling IBM 850, the DOS code page, from Windows-1252 (auto)', () => {
  it('decodes IBM 850 as iconv-lite does, every byte one character', () => {
    const every = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));
    expect(decodeLegacy(every, 'ibm850')).toBe(iconv.decode(every, 'cp850'));
  });

  it('takes letters of IBM 850 inside words for IBM 850 (Soci\\x82t\\x82 is Société), small or capital', () => {
    expect(legacyOf(ibm850('id;nom\n1;Société Générale\n2;Crèche du Château\n'))).toEqual({
      encoding: 'ibm850',
      message:
        'f.csv is not valid UTF-8: read as IBM 850 (DOS) (byte 0x82 reads "Société" in IBM 850 (DOS), "Soci‚t‚" in Windows-1252; 6 letters of IBM 850 inside words, against 0 of Windows-1252)',
    });
    expect(legacyOf(ibm850('1;SOCIÉTÉ GÉNÉRALE\n')).encoding).toBe('ibm850');
    // Capitals Windows-1252 reads as small letters or signs (Ô is â there), and è after a figure.
    expect(legacyOf(ibm850('1;HÔTEL DE VILLE;PRÊT\n2;2ème trimestre\n')).encoding).toBe('ibm850');
    expect(legacyOf(encodeLegacy('1;HÔTEL DE VILLE;L×H\n2;2ème trimestre\n', 'windows-1252')).encoding).toBe(
      'windows-1252',
    );
  });

  it("never takes the generator's French names, towns, trades and accounts in Windows-1252 or ISO-8859-15 for IBM 850; reads them all in IBM 850 when they are", () => {
    const texts: string[] = [];
    const gather = (value: unknown): void => {
      if (typeof value === 'string') {
        if (!isAscii(Buffer.from(value))) texts.push(value, value.toUpperCase());
      } else if (Array.isArray(value)) value.forEach(gather);
      else if (value !== null && typeof value === 'object') Object.values(value).forEach(gather);
    };
    gather(frenchData);
    gather(pcgAccounts);
    expect(texts.length).toBeGreaterThan(200);
    for (const text of texts) {
      for (const encoding of ['windows-1252', 'iso-8859-15'] as const) {
        const bytes = encodeLegacy(`1;${text}\n`, encoding);
        if (isUtf8(bytes)) continue;
        expect(legacyOf(bytes).encoding, `${text} in ${encoding}`).not.toBe('ibm850');
      }
    }
    // One line alone may say nothing (HÔTEL: Ô reads as â in Windows-1252); a file of them says IBM 850.
    expect(legacyOf(ibm850(texts.map((text, index) => `${index};${text}\n`).join(''))).encoding).toBe(
      'ibm850',
    );
  });

  it('keeps Windows-1252 for its own punctuation and capitals: … after a word, – between words, Œ and Š in capitals', () => {
    // Also punctuation glued to words, as Word and PDF copies leave it (found by an adversarial review).
    for (const text of [
      '1;etc… fin\n',
      '1;Saint–Denis\n',
      '1;CŒUR\n',
      '1;ŠKODA\n',
      '1;aujourd’hui\n',
      '1;Clients A…M\n',
      '1;Budget 50 k€HT\n',
      '1;Restaurant“Chez Paul”\n',
      '1;Paris‚ France\n',
      '1;Il a dit“oui”\n',
      '1;Note‡a\n',
    ]) {
      expect(legacyOf(Buffer.from(encodeWindows1252(text))).encoding, text).toBe('windows-1252');
    }
    // A file of Windows-1252 letters with one stray dash between letters stays Windows-1252.
    expect(legacyOf(encodeWindows1252('1;Société Générale à Saint–Étienne\n')).encoding).toBe('windows-1252');
  });
});

describe('telling Windows-1252 from ISO-8859-15 (auto)', () => {
  it('takes a byte of ISO-8859-15 that reads as a letter next to letters for ISO-8859-15 (C\\xBDur is Cœur)', () => {
    expect(legacyOf(iso885915('id;nom\n1;Cœur\n'))).toEqual({
      encoding: 'iso-8859-15',
      message:
        'f.csv is not valid UTF-8: read as ISO-8859-15 (byte 0xBD reads "Cœur" in ISO-8859-15, "C½ur" in Windows-1252, and no byte 0x80-0x9F says Windows-1252)',
    });
    expect(legacyOf(iso885915('1;ŠKODA\n')).encoding).toBe('iso-8859-15');
    expect(legacyOf(iso885915('1;Ÿ\n2;é\n')).encoding).toBe('windows-1252');
  });

  it('takes any byte 0x80-0x9F for Windows-1252, whatever else the file holds', () => {
    // 0x9C is œ in Windows-1252; 0xBD next to a letter would say ISO-8859-15 on its own.
    expect(
      legacyOf(
        Buffer.concat([
          latin1('C'),
          Buffer.from([0x9c]),
          latin1('ur;C'),
          Buffer.from([0xbd]),
          latin1('ur\n'),
        ]),
      ),
    ).toEqual({
      encoding: 'windows-1252',
      message:
        'f.csv is not valid UTF-8: read as Windows-1252 (byte 0x9C is œ in Windows-1252, a control code in ISO-8859-15)',
    });
  });

  it('takes 0xA4 next to an amount for the euro sign of ISO-8859-15: ¤ is written in no amount', () => {
    expect(
      legacyOf(Buffer.concat([latin1('Total 12,50 '), Buffer.from([0xa4]), latin1('\n')])).encoding,
    ).toBe('iso-8859-15');
    expect(legacyOf(Buffer.concat([latin1('Total 12,50'), Buffer.from([0xa4]), latin1('\n')])).encoding).toBe(
      'iso-8859-15',
    );
  });

  it('reads fractions after a figure (1½), ´ as an apostrophe (l´école) and plain accents as Windows-1252', () => {
    for (const text of ['Farine 1½ kg\n', 'Farine 1½kg\n', 'l´école\n', 'Hélène Bérard\n']) {
      expect(legacyOf(latin1(text))).toEqual({
        encoding: 'windows-1252',
        message: `f.csv is not valid UTF-8: read as Windows-1252 (${DEFAULT_LEGACY_CHOICE.why})`,
      });
    }
  });

  it('judges only the bytes that are not UTF-8 (the BC of a UTF-8 ü is none of ISO-8859-15 Œ)', () => {
    const mixed = Buffer.concat([Buffer.from('Müller\n'), latin1('Hélène\n')]);
    // é reads alike in both code pages: nothing is decided yet, the first legacy line that says will.
    expect(chooseEncoding(mixed, 'auto', 'f.csv').legacyLines).toBe('later');
    expect(legacyEncodingOf(mixed)).toBeUndefined();
    expect(legacyEncodingOf(Buffer.concat([mixed, Buffer.from([0x92])]))).toMatchObject({
      encoding: 'windows-1252',
    });
    // UTF-8 alone, or cut inside a character by the end of the sample, says nothing.
    expect(legacyEncodingOf(Buffer.from('Müller\n'))).toBeUndefined();
    expect(legacyEncodingOf(Buffer.from('Müller').subarray(0, 2))).toBeUndefined();
    expect(legacyEncodingOf(Buffer.concat([Buffer.from('Müller\n'), iso885915('Sœur\n')]))?.encoding).toBe(
      'iso-8859-15',
    );
  });

  it('reads legacy lines in Windows-1252 until one says which code page, then in that one', () => {
    const fallback = createLineFallback();
    expect(fallback.decode(latin1('Hélène'), 1)).toBe('Hélène');
    expect(fallback.choice).toEqual(DEFAULT_LEGACY_CHOICE);
    expect(fallback.decode(iso885915('Cœur'), 2)).toBe('Cœur');
    expect(fallback.decode(iso885915('Sœur'), 3)).toBe('Sœur');
    expect(fallback.choice.encoding).toBe('iso-8859-15');
    expect(fallback.decode(Buffer.from('Müller'), 4)).toBe('Müller');
    expect([fallback.count, fallback.firstLines]).toEqual([3, [1, 2, 3]]);
  });

  it('keeps a declared encoding whatever the bytes say', () => {
    expect(chooseEncoding(iso885915('Cœur\n'), 'windows-1252', 'f.csv')).toEqual({
      encoding: 'windows-1252',
      bomLength: 0,
    });
  });
});
