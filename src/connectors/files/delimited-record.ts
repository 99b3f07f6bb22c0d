import type { SourceNotice } from '../../core/record-source.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { SourceLocation, SourceRecord } from '../../core/source-record.js';
import { fixedShapeMaker } from '../../core/fixed-shape.js';
import { REPLACEMENT_CHARACTER } from './text-encoding.js';

/** Where the values of a row beyond the header's columns go, so that nothing read is dropped. */
export const EXTRA_FIELD = '_extra';

/**
 * Field names from a header row. Two columns with one name would make one value overwrite the other, and an
 * empty name cannot be mapped: both are renamed (`Email_2`, `_column4`) and reported, never dropped.
 * `__proto__` is renamed too: as a property name it would replace the record's prototype instead of holding a value.
 */
export const headerNames = (
  values: readonly string[],
  source: string,
  line: number,
  notice: (notice: SourceNotice) => void,
): string[] => {
  const seen = new Set<string>();
  const names = values.map((value, index) => {
    const base =
      value === '' || value === '__proto__' || value === EXTRA_FIELD ? `_column${index + 1}` : value;
    let name = base;
    for (let suffix = 2; seen.has(name); suffix += 1) name = `${base}_${suffix}`;
    seen.add(name);
    if (name !== value) {
      notice({
        code: 'HEADER_RENAMED',
        message: `${source}: column ${index + 1} of the header ${value === '' ? 'has no name' : `is named "${value}" again or reserved`}; its values are read as "${name}"`,
        line,
      });
    }
    return name;
  });
  return names;
};

/**
 * Makes records of the rows of one delimited file: values keyed by column name. A row with another number of values
 * than the header keeps what it had (extras under `_extra`) and is marked WRONG_COLUMN_COUNT; a row holding U+FFFD
 * (bytes that the file's encoding could not decode) is marked INVALID_ENCODING naming the column.
 */
export const delimitedRecordBuilder = (columns: readonly string[], extraFields: readonly string[] = []) => {
  const expected = columns.length;
  // One object literal per record (see fixedShapeMaker): all records of one shape, properties inside the object.
  // Counted with callgrind on a 10-column file, adding each property to `{}` cost about 14% more instructions per
  // row, mostly in the GC; copying a template then writing each column by name went through V8's megamorphic store
  // cache (1.2% of all CPU samples of a 1M-contact load). Fields a reader derives later (FEC: entry key, fiscal
  // year...) are in the shape too, so that filling them does not change the object's shape record after record.
  const makeFields = fixedShapeMaker(columns, extraFields, '');
  /** `mayHoldReplacement`: false when the caller knows the text has no U+FFFD, which spares a scan per row. */
  return (
    values: readonly string[],
    location: SourceLocation,
    raw: string,
    mayHoldReplacement = true,
  ): SourceRecord => {
    const found = values.length;
    if (found !== expected) return wrongColumnCount(columns, values, location, raw);
    const fields = makeFields(values);
    if (mayHoldReplacement && raw.includes(REPLACEMENT_CHARACTER)) {
      const column = columns[values.findIndex((value) => value.includes(REPLACEMENT_CHARACTER))];
      if (column !== undefined) {
        return {
          fields,
          location,
          raw,
          problem: {
            reason: RejectReason.INVALID_ENCODING,
            message: `column "${column}" holds bytes that are not valid in the file's encoding (shown as \uFFFD)`,
            column,
          },
        };
      }
    }
    return { fields, location, raw };
  };
};

const wrongColumnCount = (
  columns: readonly string[],
  values: readonly string[],
  location: SourceLocation,
  raw: string,
): SourceRecord => {
  const fields: Record<string, unknown> = {};
  const shared = Math.min(values.length, columns.length);
  for (let index = 0; index < shared; index += 1) fields[columns[index] as string] = values[index];
  if (values.length > columns.length) fields[EXTRA_FIELD] = values.slice(columns.length);
  return {
    fields,
    location,
    raw,
    problem: {
      reason: RejectReason.WRONG_COLUMN_COUNT,
      message: `expected ${columns.length} fields (as in the header), found ${values.length}`,
    },
  };
};
