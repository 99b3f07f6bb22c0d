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
