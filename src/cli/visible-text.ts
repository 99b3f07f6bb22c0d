import stringWidth from 'string-width';

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

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The columns `text` takes on a terminal, where `.length` counts UTF-16 code units: `é` written as e and a
 * combining accent is 2 units but 1 column, `東京` is 2 units but 4 columns, an emoji 2 units and 2 columns. Text
 * is measured as visibleText shows it (an ESC takes the 4 columns of `\x1b`). Used to pad table columns so that
 * the values after them line up. The East Asian Width and emoji tables are string-width's, kept up to date with
 * Unicode there.
 */
export const visibleWidth = (text: string): number => stringWidth(visibleText(text));

/** The graphemes of `text` (a base letter with its accents, an emoji with its modifiers), never split apart. */
export const graphemesOf = (text: string): string[] =>
  Array.from(graphemes.segment(text), ({ segment }) => segment);
