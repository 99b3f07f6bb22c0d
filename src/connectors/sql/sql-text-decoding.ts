import type { SourceNotice } from '../../core/record-source.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { ReadProblem, SourceLocation } from '../../core/source-record.js';
import {
  createLineFallback,
  decodeLegacy,
  DEFAULT_LEGACY_CHOICE,
  LEGACY_ENCODING_NAMES,
  legacyEncodingOf,
} from '../files/legacy-code-page.js';
import { decodeBytes, type DeclaredEncoding } from '../files/text-encoding.js';
import type { UndecodedText } from './undecoded-text.js';

/** The values of one column read in the legacy code page, for its notice. */
interface ColumnTally {
  count: number;
  readonly first: SourceLocation;
}

/** `key 7, record 12` or `record 12`: where the first value is, without the table the message already names. */
const placeOf = (location: SourceLocation): string =>
  location.key === undefined ? `record ${location.record}` : `key ${location.key}, record ${location.record}`;

/**
 * Reads, by the plan's `encoding`, the text values of one read of a database source that are not UTF-8 (see
 * UndecodedText), as a CSV file's lines are read: `auto` reads them in the legacy code page their bytes say (chosen
 * as for files, see createLineFallback) and names each column in an ENCODING_FALLBACK notice; a declared legacy
 * code page reads them in it; `utf-8` keeps each invalid byte as U+FFFD and rejects the record INVALID_ENCODING
 * naming the column. Text that is valid UTF-8 never gets here, so U+FFFD stored as a character stays one.
 */
export const createSqlTextDecoding = (encoding: DeclaredEncoding, source: string) => {
  // One judgement for the whole read: a legacy program wrote every column in the same code page.
  const fallback = createLineFallback();
  const tallies = new Map<string, ColumnTally>();
  /** The text of a value's bytes; `record` is the record it belongs to. */
  const text = (value: UndecodedText, record: number): string => {
    switch (encoding) {
      case 'auto':
        return fallback.decode(value.bytes, record);
      case 'utf-8':
        return value.bytes.toString('utf8');
      default:
        return decodeBytes(value.bytes, encoding);
    }
  };
  return {
    text,

    /**
     * The text of a value's bytes by themselves alone, the same in every read: a dossier column's, which the list
     * of dossiers (read on its own) and each dossier's read must both read alike, or its records would belong to no
     * dossier. Under `auto`, in the legacy code page the value's own bytes say, else Windows-1252.
     */
    textAlone(value: UndecodedText): string {
      if (encoding !== 'auto') return text(value, 0);
      return decodeLegacy(value.bytes, (legacyEncodingOf(value.bytes) ?? DEFAULT_LEGACY_CHOICE).encoding);
    },

    /**
     * Once the record holding such values is made (its key read): under `utf-8` the problem that rejects it, else
     * nothing, the values counted for the notices.
     */
    problemOf(columns: readonly string[], location: SourceLocation): ReadProblem | undefined {
      const [column] = columns;
      if (column === undefined) return undefined;
      if (encoding === 'utf-8') {
        const named = columns.map((name) => JSON.stringify(name));
        return {
          reason: RejectReason.INVALID_ENCODING,
          message: `${columns.length === 1 ? `column ${named[0]} holds` : `columns ${named.join(', ')} hold`} bytes that are not valid UTF-8 (shown as \uFFFD)`,
          column,
        };
      }
      for (const name of columns) {
        const tally = tallies.get(name);
        if (tally === undefined) tallies.set(name, { count: 1, first: location });
        else tally.count += 1;
      }
      return undefined;
    },

    /** Under `auto`, one notice per column that held values read in the legacy code page. */
    notices(): SourceNotice[] {
      if (encoding !== 'auto') return [];
      const { encoding: codePage, why } = fallback.choice;
      return [...tallies].map(([column, { count, first }]) => ({
        code: 'ENCODING_FALLBACK',
        message:
          `${source}, column ${JSON.stringify(column)}: ` +
          `${count === 1 ? `1 value is` : `${count} values are`} not valid UTF-8 ` +
          `(${count === 1 ? '' : 'the first at '}${placeOf(first)}): ` +
          `read as ${LEGACY_ENCODING_NAMES[codePage]} (${why}), its other values as UTF-8`,
      }));
    },
  };
};

export type SqlTextDecoding = ReturnType<typeof createSqlTextDecoding>;
