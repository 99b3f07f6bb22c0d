import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { CutoverError, ErrorCode, messageOf } from '../core/errors.js';

/**
 * A text file written in chunks with backpressure: nothing larger than one chunk is ever held in memory, so a
 * dossier of any size is written with flat memory.
 *
 * `write` returns a promise only when the file stream asks the writer to wait (its buffer is full); callers
 * write `const wait = sink.write(text); if (wait) await wait;` so that the common case costs no microtask.
 */
export interface TextSink {
  write(text: string): Promise<void> | undefined;
  /** Writes bytes already encoded (after any text written before them); the sink keeps the buffer. */
  writeBytes(chunk: Uint8Array): Promise<void> | undefined;
  /** Flushes, closes the file and resolves to the number of bytes written. */
  close(): Promise<number>;
}

export interface TextSinkOptions {
  /** Legacy CRM exports are often Windows-1252 (é is the single byte 0xE9). Default UTF-8. */
  readonly encoding?: 'utf-8' | 'windows-1252';
  /** Characters gathered before a write to the file. */
  readonly chunkSize?: number;
}

const writeFailed = (path: string, error: unknown): CutoverError =>
  new CutoverError(ErrorCode.FILE_NOT_FOUND, `cannot write ${path}: ${messageOf(error)}`, {
    cause: error,
    context: { file: path },
  });

export const openTextSink = (path: string, options: TextSinkOptions = {}): TextSink => {
  const chunkSize = options.chunkSize ?? 256 * 1024;
  const encode =
    options.encoding === 'windows-1252'
      ? (text: string) => iconv.encode(text, 'win1252')
      : (text: string) => Buffer.from(text, 'utf8');
  const stream = createWriteStream(path);
  let failure: unknown;
  // Keep the first error for close(); without a listener an 'error' event would crash the process.
  stream.on('error', (error) => {
    failure ??= error;
  });
  let pending = '';
  let bytes = 0;

  const push = (chunk: Uint8Array): Promise<void> | undefined => {
    if (failure !== undefined) return Promise.reject(writeFailed(path, failure));
    bytes += chunk.length;
    if (stream.write(chunk)) return undefined;
    return once(stream, 'drain').then(
      () => undefined,
      (error: unknown) => {
        throw writeFailed(path, error);
      },
    );
  };

  const flush = (): Promise<void> | undefined => {
    if (pending.length === 0)
      return failure === undefined ? undefined : Promise.reject(writeFailed(path, failure));
    const chunk = encode(pending);
    pending = '';
    return push(chunk);
  };

  return {
    write: (text) => {
      pending += text;
      return pending.length >= chunkSize ? flush() : undefined;
    },
    writeBytes: (chunk) => {
      const wait = flush();
      return wait === undefined ? push(chunk) : wait.then(() => push(chunk));
    },
    close: async () => {
      await flush();
      stream.end();
      try {
        await finished(stream);
      } catch (error) {
        throw writeFailed(path, error);
      }
      if (failure !== undefined) throw writeFailed(path, failure);
      return bytes;
    },
  };
};
