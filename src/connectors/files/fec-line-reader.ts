import { isTrailingSeparator } from './trailing-separator.js';
import { stat } from 'node:fs/promises';
import { fileError } from './file-error.js';
import type { FileReadContext } from './file-record-source.js';
import {
  legacyEncodingOf,
  createLineFallback,
  type LegacyChoice,
  type LegacyEncoding,
} from './legacy-code-page.js';
import { createLineBlocks } from './line-blocks.js';
import { peekChunks, readChunks } from './read-chunks.js';
import { sniffDelimitedText } from './sniff-delimited-text.js';
import { asUtf8Chunks } from './utf8-chunks.js';
import { ENCODING_SAMPLE_BYTES, type Utf16Encoding } from './text-encoding.js';

/** One physical line of a FEC file, split on its separator. */
export interface FecLine {
  /** The file as given to the reader. */
  readonly file: string;
  /** 1-based physical line number in that file (blank lines count). */
  readonly line: number;
  readonly fields: string[];
  /** The decoded line, without its line ending. */
  readonly raw: string;
  /** The first non-blank line of each file. */
  readonly header: boolean;
  /** `utf-8`, or the legacy code page the line was decoded in because its bytes are not UTF-8. */
  readonly encoding: 'utf-8' | LegacyEncoding;
}

/** What the reader learnt about a file's form, known once its header is read. */
export interface FecFileFacts {
  readonly file: string;
  readonly separator: '\t' | '|';
  readonly bom: boolean;
  /** UTF-16 when the file starts with its byte-order mark (read all the same); else UTF-8 and the legacy code page. */
  readonly encoding: 'utf-8' | Utf16Encoding;
  /** The header ends with a separator (`…|Idevise|`): so may every line, and that empty last field is dropped. */
  readonly trailingSeparator: boolean;
}

export interface FecReadOptions {
  /**
   * The code page for lines that are not valid UTF-8; by default judged from the file's bytes (Windows-1252 unless
   * they read as ISO-8859-15's letters: see createLegacyEvidence).
   */
  readonly legacyEncoding?: LegacyEncoding;
  /**
   * Lines per batch (default 1000). Small on purpose: a batch's lines are young objects, and holding 5000 of them
   * across garbage collections made reading twice as slow (measured: 0.5M against 0.9M lines/s).
   */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** Called when a file's header has been read, before its header line is yielded. */
  readonly onFile?: (facts: FecFileFacts) => void;
  /** Bytes read so far, for progress. */
  readonly onBytes?: (count: number) => void;
}

const hasBom = (bytes: Buffer): boolean =>
  bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

const SEPARATORS = ['\t', '|'] as const;

/** Bytes handed to the line splitter at a time (a read chunk's size). */
const PUSH_BYTES = 64 * 1024;

/**
 * Reads one FEC, or the parts of a split FEC in the order given (each part with its own header), as batches of
 * lines. Bytes are split into lines before decoding (LF, CRLF, CR CR LF, CR alone, no final newline: see the line
 * splitter), so each line is decoded on its own: UTF-8 when its bytes are UTF-8 (a byte-order mark is skipped),
 * else the legacy code page, one character per byte, so nothing is lost. A file with a UTF-16 byte-order mark is
 * read as UTF-16. The separator, tab or pipe, is taken
 * from each file's header. Blank lines are skipped (their numbers are not reused). A file that cannot be read
 * throws the one error type (FILE_NOT_FOUND or SOURCE_FAILED).
 */
export async function* readFecLines(
  files: readonly string[],
  options: FecReadOptions = {},
): AsyncGenerator<FecLine[]> {
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const asked: LegacyChoice | undefined =
    options.legacyEncoding === undefined ? undefined : { encoding: options.legacyEncoding, why: 'as asked' };
  for (const file of files) {
    let bytesTotal: number;
    try {
      const stats = await stat(file);
      if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      bytesTotal = stats.size;
    } catch (error) {
      throw fileError(error, file);
    }
    const context: FileReadContext = {
      path: file,
      source: file,
      bytesTotal,
      batchSize,
      signal: options.signal,
      notice: () => {},
      readBytes: (count) => options.onBytes?.(count),
      // The validator reads the header itself.
      columns: () => {},
    };
    let batch: FecLine[] = [];
    let separator: '\t' | '|' = '\t';
    let headerFields = -1;
    let headerHasTrailing = false;
    let bom = false;
    let fileEncoding: FecFileFacts['encoding'] = 'utf-8';
    // The code page of legacy lines: the one asked for, else judged from the file's first MiB (below), or from its
    // legacy lines once they say (see createLineFallback). Each part of a split FEC is judged on its own, as a run
    // does.
    let fallback = createLineFallback(asked);

    const take = (raw: string, line: number, encoding: FecLine['encoding']): void => {
      if (raw.length === 0) return;
      if (headerFields < 0) {
        separator = (sniffDelimitedText(raw, SEPARATORS, undefined, true).delimiter ?? '\t') as '\t' | '|';
        const fields = raw.split(separator);
        const trailingSeparator = fields.length > 1 && fields[fields.length - 1] === '';
        if (trailingSeparator) fields.pop();
        headerFields = fields.length;
        headerHasTrailing = trailingSeparator;
        options.onFile?.({ file, separator, bom, trailingSeparator, encoding: fileEncoding });
        batch.push({ file, line, fields, raw, header: true, encoding });
        return;
      }
      const fields = raw.split(separator);
      // The trailing separator of the file's lines: its empty last field is no column.
      if (isTrailingSeparator(headerHasTrailing, headerFields, fields)) fields.pop();
      batch.push({ file, line, fields, raw, header: false, encoding });
    };

    /** One line's bytes (line ending removed), decoded on its own: the slow path, and CR-only files. */
    const takeBytes = (lineBytes: Buffer, line: number): void => {
      let bytes = lineBytes;
      if (line === 1 && hasBom(bytes)) {
        bom = true;
        bytes = bytes.subarray(3);
      }
      if (bytes.length === 0) return;
      const text = fallback.decode(bytes, line);
      take(text, line, fallback.wasLegacy ? fallback.choice.encoding : 'utf-8');
    };

    const lines = createLineBlocks(takeBytes, (text, firstLine) => {
      let line = firstLine;
      let start = 0;
      if (firstLine === 1 && text.charCodeAt(0) === 0xfeff) {
        bom = true;
        start = 1;
      }
      // The last block of a file without a final newline ends without one.
      while (start < text.length) {
        const newline = text.indexOf('\n', start);
        const next = newline === -1 ? text.length : newline + 1;
        let end = newline === -1 ? text.length : newline;
        // CRLF, and CR CR LF (a CRLF file converted once more).
        if (end > start && text.charCodeAt(end - 1) === 13) end -= 1;
        if (end > start && text.charCodeAt(end - 1) === 13) end -= 1;
        take(text.slice(start, end), line, 'utf-8');
        line += 1;
        start = next;
      }
    });

    try {
      const { head, all } = await peekChunks(
        asUtf8Chunks(readChunks(context), (utf16) => {
          bom = true;
          fileEncoding = utf16;
        }),
        ENCODING_SAMPLE_BYTES,
      );
      if (asked === undefined) fallback = createLineFallback(legacyEncodingOf(head));
      for await (const chunk of all) {
        // The first MiB comes as one chunk: pushed in read-sized slices, so that batches stay near their size.
        for (let at = 0; at < chunk.length; at += PUSH_BYTES) {
          lines.push(chunk.subarray(at, at + PUSH_BYTES));
          if (batch.length >= batchSize) {
            yield batch;
            batch = [];
          }
        }
      }
      lines.end();
    } catch (error) {
      throw fileError(error, file);
    }
    if (batch.length > 0) yield batch;
  }
}
