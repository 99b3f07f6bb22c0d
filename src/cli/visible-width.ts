import stringWidth from 'string-width';
import { visibleText } from './visible-text.js';

// Apart from visible-text.ts, which every command loads at start: string-width and its emoji tables load only with
// the commands that lay out tables (review, review golden).

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The columns `text` takes on a terminal, where `.length` counts UTF-16 code units: `é` written as e and a
 * combining accent is 2 units but 1 column, `東京` is 2 units but 4 columns, an emoji 2 units and 2 columns. Text
 * is measured as visibleText shows it (an ESC takes the 4 columns of `\x1b`). Used to pad table columns so that
 * the values after them line up. The East Asian Width and emoji tables are string-width's, kept up to date with
 * Unicode there. A lone surrogate (a JSON source may hold "\ud800") is written to the terminal as U+FFFD, one
 * column, where string-width counts it as none: it is measured as written.
 */
export const visibleWidth = (text: string): number => stringWidth(visibleText(text).toWellFormed());

/** The graphemes of `text` (a base letter with its accents, an emoji with its modifiers), never split apart. */
export const graphemesOf = (text: string): string[] =>
  Array.from(graphemes.segment(text), ({ segment }) => segment);
