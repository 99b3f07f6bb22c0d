import { isUtf8 } from 'node:buffer';
import { Readable, Transform, pipeline, type Duplex } from 'node:stream';
import type { z } from 'zod';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import type { jsonSourceSchema } from '../../core/plan/plan-schema.js';
import type { RecordSource } from '../../core/record-source.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { ReadProblem, SourceLocation, SourceRecord } from '../../core/source-record.js';
import { createBlankLineTally } from './blank-line-tally.js';
import { emptyFileNotice, fileRecordSource, type FileReadContext } from './file-record-source.js';
import { createLineSplitter } from './line-splitter.js';
import { parseJsonKeepingNumbers } from './parse-json-keeping-numbers.js';
import { readChunks } from './read-chunks.js';
import { createBatcher } from './record-batcher.js';
import { REPLACEMENT_CHARACTER } from './text-encoding.js';

export type JsonSourceSpec = z.infer<typeof jsonSourceSchema>;

const isRecordObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;

/** A BOM is not JSON: stream-json refuses it, and JSON.parse too. */
async function* withoutBom(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let first = true;
  for await (const chunk of chunks) {
    yield first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk;
    first = false;
  }
}

/**
 * A JSON document holding an array of objects, at the top or at the dotted path `records`, streamed element by
 * element (the document is never held whole). A document that is not an array there is a plan mistake and throws;
 * a document that stops parsing part-way is data damage: what came before is kept and one MALFORMED_JSON record
 * says where reading stopped.
 */
async function* readJsonArray(
  spec: JsonSourceSpec,
  context: FileReadContext,
): AsyncGenerator<SourceRecord[]> {
  const { source } = context;
  const where = spec.records === undefined ? 'at the top of the document' : `at "${spec.records}"`;
  let firstToken: string | undefined;
  const watch = new Transform({
    objectMode: true,
    transform(token: { name: string }, _encoding, done) {
      firstToken ??= token.name;
      done(null, token);
    },
  });
  // The streaming parser loads with the first JSON document read, not with every run.
  const [{ default: Parser }, { default: Pick }, { default: StreamArray }] = await Promise.all([
    import('stream-json/Parser.js'),
    import('stream-json/filters/Pick.js'),
    import('stream-json/streamers/StreamArray.js'),
  ]);
  const stages: (Readable | Duplex)[] = [
    Readable.from(withoutBom(readChunks(context))),
    Parser.parser(),
    ...(spec.records === undefined ? [] : [Pick.pick({ filter: spec.records })]),
    watch,
    StreamArray.streamArray(),
  ];
  const output = pipeline(stages, () => {
    // Errors reach the loop below through `output`.
  }) as unknown as AsyncIterable<{ key: number; value: unknown }>;

  const batcher = createBatcher(context.batchSize);
  let count = 0;
  let broken = false;
  try {
    for await (const { value } of output) {
      count += 1;
      const location = { source, record: count };
      batcher.push(
        isRecordObject(value)
          ? { fields: value, location }
          : {
              fields: {},
              location,
              raw: JSON.stringify(value),
              problem: {
                reason: RejectReason.MALFORMED_JSON,
                message: `element ${count} of the array is ${kindOf(value)}, not an object`,
              },
            },
      );
      yield* batcher.take();
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error;
    if (firstToken !== undefined && firstToken !== 'startArray') {
      throw new CutoverError(
        ErrorCode.SOURCE_FAILED,
        `${source}: the value ${where} is not an array of records`,
        {
          cause: error,
          context: { file: source },
        },
      );
    }
    broken = true;
    batcher.push({
      fields: {},
      location: { source, record: count + 1 },
      problem: {
        reason: RejectReason.MALFORMED_JSON,
        message: `the document does not parse after ${count} record${count === 1 ? '' : 's'} (${messageOf(error)}); the rest of the file cannot be read`,
      },
    });
  }
  if (firstToken === undefined && !broken) {
    throw new CutoverError(ErrorCode.SOURCE_FAILED, `${source}: there is no array ${where}`, {
      context: { file: source },
    });
  }
  yield* batcher.finish();
  if (count === 0 && !broken) context.notice(emptyFileNotice(source, `has an empty array ${where}`));
}

/** The top-level string field holding U+FFFD, to name the column of an INVALID_ENCODING record. */
const columnWithReplacement = (fields: Record<string, unknown>): string | undefined =>
  Object.keys(fields).find((key) => {
    const value = fields[key];
    return typeof value === 'string' && value.includes(REPLACEMENT_CHARACTER);
  });

/** The record of one NDJSON line: its object, or MALFORMED_JSON / INVALID_ENCODING with the line as read. */
const ndjsonRecord = (bytes: Buffer, raw: string, location: SourceLocation): SourceRecord => {
  let value: unknown;
  let problem: ReadProblem | undefined;
  try {
    value = parseJsonKeepingNumbers(raw);
    if (!isRecordObject(value)) {
      problem = {
        reason: RejectReason.MALFORMED_JSON,
        message: `the line holds ${kindOf(value)}, not an object`,
      };
    } else if (!isUtf8(bytes)) {
      const column = columnWithReplacement(value);
      problem = {
        reason: RejectReason.INVALID_ENCODING,
        message: `the line holds bytes that are not valid UTF-8${column === undefined ? '' : ` (in "${column}")`}`,
        ...(column === undefined ? {} : { column }),
      };
    }
  } catch (error) {
    problem = {
      reason: RejectReason.MALFORMED_JSON,
      message: `the line does not parse: ${messageOf(error)}`,
    };
  }
  const fields = isRecordObject(value) ? value : {};
  return problem === undefined ? { fields, location, raw } : { fields, location, raw, problem };
};

/** One JSON object per line; each line stands alone, so a broken line costs that line only. */
async function* readNdjson(context: FileReadContext): AsyncGenerator<SourceRecord[]> {
  const { source } = context;
  const batcher = createBatcher(context.batchSize);
  const blanks = createBlankLineTally();
  let count = 0;
  const splitter = createLineSplitter((lineBytes, line) => {
    const bytes =
      line === 1 && lineBytes[0] === 0xef && lineBytes[1] === 0xbb && lineBytes[2] === 0xbf
        ? lineBytes.subarray(3)
        : lineBytes;
    const raw = bytes.toString('utf8');
    if (raw.trim() === '') {
      blanks.blank(line);
      return;
    }
    blanks.content();
    count += 1;
    batcher.push(ndjsonRecord(bytes, raw, { source, line, record: count }));
  });

  for await (const chunk of readChunks(context)) {
    splitter.push(chunk);
    yield* batcher.take();
  }
  splitter.end();
  yield* batcher.finish();
  const blankNotice = blanks.notice(source);
  if (blankNotice !== undefined) context.notice(blankNotice);
  if (count === 0) context.notice(emptyFileNotice(source, 'has only blank lines'));
}

/** `json`: an array of objects (optionally at `records`); `ndjson`: one object per line. Values stay as JSON gave them. */
export const jsonSource = (spec: JsonSourceSpec, file: { path: string; relative: string }): RecordSource =>
  fileRecordSource(file, (context) =>
    spec.type === 'ndjson' ? readNdjson(context) : readJsonArray(spec, context),
  );
