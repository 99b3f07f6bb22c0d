import type { z } from 'zod';
import type { fecSourceSchema } from '../../core/plan/plan-schema.js';
import { CutoverError, ErrorCode, isCutoverError } from '../../core/errors.js';
import type { RecordSource } from '../../core/record-source.js';
import { FEC_STANDARD_COLUMNS, FEC_VARIANT_COLUMNS } from '../../domains/accounting/fec-columns.js';
import type { SourceRecord } from '../../core/source-record.js';
import { createDelimitedTable } from './delimited-table.js';
import { resolveFecHeader } from '../../domains/accounting/fec/fec-header.js';
import { createFecLineEnricher, FEC_DERIVED_FIELDS } from './fec-line-enricher.js';
import { fecDatedKeys, type DatedKeys } from './fec-numbering.js';
import { fileError } from './file-error.js';
import { fileRecordSource, type FileReadContext } from './file-record-source.js';
import { createLineSplitter } from './line-splitter.js';
import { readAccountMapping, type AccountMapping } from './read-account-mapping.js';
import { peekChunks, readChunks } from './read-chunks.js';
import { sniffDelimitedText } from './sniff-delimited-text.js';
import { legacyEncodingOf, createLineFallback, LEGACY_ENCODING_NAMES } from './legacy-code-page.js';
import { decodeBytes, ENCODING_SAMPLE_BYTES } from './text-encoding.js';
import { asUtf8Chunks } from './utf8-chunks.js';

export type FecSourceSpec = z.infer<typeof fecSourceSchema>;

/**
 * Column names of the FEC as the norm spells them, then its variants. Software writes them in every case
 * (`MontantDevise`, `JOURNALCODE`): they are matched ignoring case and returned as here.
 */
export const FEC_COLUMNS = [...FEC_STANDARD_COLUMNS, ...FEC_VARIANT_COLUMNS] as const;

const canonicalByLowerCase = new Map<string, string>(FEC_COLUMNS.map((name) => [name.toLowerCase(), name]));

const FEC_SEPARATORS = ['\t', '|'] as const;

/** One notice per line is useful up to a point; past it a count says the rest. */
const MAX_LINE_NOTICES = 100;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Columns of the norm a header may lack, read as empty: filled only where they apply (foreign currency, lettering,
 * validation), some older exports leave them out.
 */
const MAY_BE_ABSENT: ReadonlySet<string> = new Set([
  'Montantdevise',
  'Idevise',
  'EcritureLet',
  'DateLet',
  'ValidDate',
]);

/**
 * A header that is one name holding the norm's columns joined by another character (`;`, a FEC opened and saved
 * again by a spreadsheet; `,`), or UTF-16 read as bytes: what to say instead of listing all 18 columns as missing.
 */
const otherSeparator = (names: readonly string[]): string | undefined => {
  const [only] = names;
  if (names.join('').includes('\u0000'))
    return 'its header holds NUL characters between its letters (UTF-16 without its byte-order mark?): save it as UTF-8 or ISO-8859-15';
  if (names.length !== 1 || only === undefined) return undefined;
  for (const separator of [';', ',']) {
    const split = only.split(separator);
    if (split.length > 1 && resolveFecHeader(split).missing.length < 4)
      return `its header separates its columns with "${separator}" (a file saved again by a spreadsheet?), where a FEC uses a tab or |`;
  }
  return undefined;
};

/**
 * The header's names in the norm's spelling. A header without the amount columns of its layout (a file that is no
 * FEC, or a FEC exported without Credit), or without a column that identifies or describes a line (CompteNum,
 * JournalCode...), stops the read: every line would load without its amount or account (a FEC without CompteNum
 * loaded every line with no account, and reconcile called it proven), or be rejected one by one for a fault that is
 * the file's. The message names every required column the header lacks.
 */
const fecColumnNames = (names: readonly string[], source: string): string[] => {
  const header = resolveFecHeader(names);
  if (header.missing.some((column) => !MAY_BE_ABSENT.has(column))) {
    throw new CutoverError(
      ErrorCode.SOURCE_FAILED,
      `${source}: not a FEC that can be read: ${otherSeparator(names) ?? `its header lacks ${header.missing.join(', ')}`} (\`cutover fec validate\` lists what else is wrong)`,
      { context: { file: source } },
    );
  }
  return names.map((name) => canonicalByLowerCase.get(name.trim().toLowerCase()) ?? name);
};

/** The mapping table is read once per plan source, not once per dossier and entity. */
const mappings = new WeakMap<FecSourceSpec, Promise<AccountMapping>>();

const mappingOf = (spec: FecSourceSpec, baseDir: string): Promise<AccountMapping> | undefined => {
  const file = spec.accounts?.mapping;
  if (file === undefined) return undefined;
  let mapping = mappings.get(spec);
  if (mapping === undefined) {
    mapping = readAccountMapping(baseDir, file, spec.accounts?.length);
    mappings.set(spec, mapping);
  }
  return mapping;
};

/**
 * The file's numbering, read through the validator, which names files by their absolute path: a file it cannot
 * read is named as the plan names it, like every other read of the file.
 */
/** `parts`: every file of a split FEC, this one among them (a number may come back in a later part). */
const datedKeysOf = async (context: FileReadContext, parts: readonly string[]): Promise<DatedKeys> => {
  try {
    return await fecDatedKeys(parts);
  } catch (error) {
    throw isCutoverError(error) && error.context.file === context.path && error.cause !== undefined
      ? fileError(error.cause, context.source)
      : error;
  }
};

async function* readFec(
  spec: FecSourceSpec,
  context: FileReadContext,
  baseDir: string,
  parts: readonly string[] | undefined,
): AsyncGenerator<SourceRecord[]> {
  const { source } = context;
  const enricher = createFecLineEnricher({
    source,
    datedKeys: await datedKeysOf(context, parts ?? [context.path]),
    accountLength: spec.accounts?.length,
    mapping: await mappingOf(spec, baseDir),
    notice: context.notice,
  });
  let records = 0;
  const completed = function* (batches: SourceRecord[][]): Generator<SourceRecord[]> {
    for (const batch of batches) {
      for (let index = 0; index < batch.length; index += 1) {
        batch[index] = enricher.enrich(batch[index] as SourceRecord);
      }
      records += batch.length;
      yield batch;
    }
  };
  const table = createDelimitedTable(context, {
    columnNames: (names) => fecColumnNames(names, source),
    trailingSeparator: true,
    optionalColumns: FEC_COLUMNS,
    extraFields: (columns) => {
      enricher.setColumns(columns);
      return [...FEC_DERIVED_FIELDS, 'Debit', 'Credit'];
    },
  });
  let separator = '\t';
  // A UTF-16 file (its byte-order mark says so) is read as such when the plan leaves the encoding to cutover.
  const chunks =
    spec.encoding === 'auto'
      ? asUtf8Chunks(readChunks(context), (encoding) =>
          context.notice({
            code: 'FEC_UTF16',
            message: `${source} is ${encoding.toUpperCase()} (byte-order mark): read as such, though the FEC norm asks for ASCII, ISO-8859-15 or UTF-8`,
          }),
        )
      : readChunks(context);
  const { head, all } = await peekChunks(chunks, ENCODING_SAMPLE_BYTES);
  // Lossless: the five bytes Windows-1252 leaves undefined keep their ISO-8859-1 meaning instead of U+FFFD.
  // First bytes that are all UTF-8 say nothing of a legacy line further on: the legacy lines are judged then.
  const fallback = createLineFallback(legacyEncodingOf(head));
  let namedEncoding: string | undefined;

  /**
   * Legacy software writes FEC files in Windows-1252, ISO-8859-15 or, under DOS, IBM 850 (told apart by their bytes:
   * see createLegacyEvidence), and some files mix UTF-8 and legacy lines (a UTF-8 export with lines pasted from an
   * old system): each line is read as UTF-8 when it is valid UTF-8, else in the legacy code page, which decodes
   * every byte, so nothing is lost; the person is told which lines, and why that code page when it is first named.
   */
  const decode = (bytes: Buffer, line: number): string => {
    if (spec.encoding !== 'auto') return decodeBytes(bytes, spec.encoding);
    const text = fallback.decode(bytes, line);
    if (fallback.wasLegacy && fallback.count <= MAX_LINE_NOTICES) {
      // Why this code page, the first time it is named (a line that says so may come after lines that did not).
      const { encoding, why } = fallback.choice;
      context.notice({
        code: 'ENCODING_FALLBACK',
        message: `${source} line ${line} is not valid UTF-8: read as ${LEGACY_ENCODING_NAMES[encoding]}${encoding === namedEncoding ? '' : ` (${why})`}`,
        line,
      });
      namedEncoding = encoding;
    }
    return text;
  };

  const splitter = createLineSplitter((lineBytes, line) => {
    const bytes = line === 1 && lineBytes.subarray(0, 3).equals(UTF8_BOM) ? lineBytes.subarray(3) : lineBytes;
    const text = bytes.length === 0 ? '' : decode(bytes, line);
    if (!table.hasHeader() && text !== '') {
      separator = sniffDelimitedText(text, FEC_SEPARATORS, undefined, true).delimiter ?? '\t';
    }
    table.row(text.split(separator), text, line);
  });

  for await (const chunk of all) {
    splitter.push(chunk);
    yield* completed(table.take());
  }
  splitter.end();
  if (fallback.count > MAX_LINE_NOTICES) {
    context.notice({
      code: 'ENCODING_FALLBACK',
      message: `${source}: ${fallback.count - MAX_LINE_NOTICES} more lines are not valid UTF-8 and were read as ${LEGACY_ENCODING_NAMES[fallback.choice.encoding]}`,
    });
  }
  yield* completed(table.finish());
  enricher.finish(records);
}

/**
 * A FEC file: tab- or pipe-separated, no quoting (the norm has none, so a `"` is data). Each record holds the
 * columns without their fixed-width padding plus the derived fields of FEC_DERIVED_FIELDS (entry key, fiscal year,
 * firm account...); the raw line stays as read. Checking dates, amounts and balances is the mapping's and the
 * validator's work. `baseDir` is where the plan is (the account mapping table is named relative to it).
 */
export const fecSource = (
  spec: FecSourceSpec,
  file: { path: string; relative: string; fecParts?: readonly string[] },
  baseDir: string,
): RecordSource => fileRecordSource(file, (context) => readFec(spec, context, baseDir, file.fecParts));
