/** Control characters but tab and line feed: C0, DEL and C1 (ESC among them). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text for a terminal, with control characters written as escapes (ESC as \x1b): human output carries source data
 * (rejected records, their messages, dossier ids), and an escape sequence in a legacy export must not clear the
 * screen, recolour it or move the cursor when a person lists the ledger.
 */
export const visibleText = (text: string): string =>
  text.replace(CONTROL, (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`);

/**
 * Characters a terminal draws two columns wide: the East Asian Wide and Fullwidth ranges (Hangul jamo, CJK,
 * kana, Hangul syllables, fullwidth forms, the supplementary ideographic planes) and emoji shown as pictures.
 */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]|\p{Emoji_Presentation}|\ufe0f/u;

/** A grapheme of nothing drawn: a combining mark with no base, a zero-width space or joiner, a BOM. */
const ZERO_WIDTH = /^[\p{M}\p{Default_Ignorable_Code_Point}]+$/u;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The columns `text` takes on a terminal, where `.length` counts UTF-16 code units: `é` written as e and a
 * combining accent is 2 units but 1 column, `東京` is 2 units but 4 columns, an emoji 2 units and 2 columns. Text
 * is measured as visibleText shows it (an ESC takes the 4 columns of `\x1b`). Used to pad table columns so that
 * the values after them line up.
 */
export const visibleWidth = (text: string): number => {
  let width = 0;
  for (const { segment } of graphemes.segment(visibleText(text)))
    width += ZERO_WIDTH.test(segment) ? 0 : WIDE.test(segment) ? 2 : 1;
  return width;
};

/** The graphemes of `text` (a base letter with its accents, an emoji with its modifiers), never split apart. */
export const graphemesOf = (text: string): string[] =>
  Array.from(graphemes.segment(text), ({ segment }) => segment);
