import { describe, expect, it } from 'vitest';
import { visibleWidth } from '../../src/cli/visible-width.js';

/** The columns a terminal gives a text, which review's tables pad by, where `.length` counts UTF-16 units. */
describe('visibleWidth', () => {
  it.each([
    ['plain ASCII', 'Lyon', 4],
    ['a precomposed accent', 'Amélie', 6],
    ['an accent written as a combining character', 'Ame\u0301lie', 6],
    ['CJK ideographs, two columns each', '東京', 4],
    ['Hangul syllables', '김민준', 6],
    ['fullwidth Latin letters', 'ＡＢ', 4],
    ['an emoji', '🏠', 2],
    ['an emoji sequence joined by ZWJ, one picture', '👩‍👩‍👧', 2],
    ['a flag of two regional indicators', '🇫🇷', 2],
    ['a zero-width space', 'a\u200bb', 2],
    ['an ESC, shown as \\x1b', 'a\u001bb', 6],
    ['a lone high surrogate, written out as U+FFFD', 'K\ud800', 2],
    ['a lone low surrogate between letters, written out as U+FFFD', 'a\udc00b', 3],
  ])('%s', (_name, text, width) => {
    expect(visibleWidth(text)).toBe(width);
  });
});
