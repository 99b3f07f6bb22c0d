import { open } from 'node:fs/promises';
import { CutoverError, ErrorCode } from '../core/errors.js';

/**
 * An XLSX file is a zip archive, and zip writers stamp every entry with the current time (in local time, too):
 * two runs with the same seed would differ by those bytes. This rewrites the MS-DOS date and time of every
 * entry, in its local header and in the central directory, to 1980-01-01 00:00, the zip epoch. It reads only
 * the central directory (a few kilobytes at the end of the file) and writes 4 bytes per entry.
 */
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
/** 1980-01-01 00:00:00 in MS-DOS format: time 0, date (year 0 since 1980, month 1, day 1). */
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;

const corrupt = (file: string, detail: string): CutoverError =>
  new CutoverError(
    ErrorCode.INTERNAL,
    `generator: ${file} is not a zip archive this code understands (${detail})`,
  );

export const pinZipTimestamps = async (file: string): Promise<void> => {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    // The end record is 22 bytes plus a comment of at most 65,535 bytes.
    const tailLength = Math.min(size, 22 + 65_535);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    let end = tailLength - 22;
    while (end >= 0 && tail.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) end--;
    if (end < 0) throw corrupt(file, 'no end of central directory');
    const entries = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (directoryOffset === 0xffffffff || entries === 0xffff) throw corrupt(file, 'zip64');

    const directory = Buffer.alloc(directorySize);
    await handle.read(directory, 0, directorySize, directoryOffset);
    const stamp = Buffer.alloc(4);
    stamp.writeUInt16LE(DOS_TIME, 0);
    stamp.writeUInt16LE(DOS_DATE, 2);
    let at = 0;
    for (let entry = 0; entry < entries; entry++) {
      if (directory.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw corrupt(file, `entry ${entry}`);
      stamp.copy(directory, at + 12);
      const localOffset = directory.readUInt32LE(at + 42);
      const signature = Buffer.alloc(4);
      await handle.read(signature, 0, 4, localOffset);
      if (signature.readUInt32LE(0) !== LOCAL_FILE_HEADER)
        throw corrupt(file, `local header of entry ${entry}`);
      await handle.write(stamp, 0, 4, localOffset + 10);
      at +=
        46 +
        directory.readUInt16LE(at + 28) +
        directory.readUInt16LE(at + 30) +
        directory.readUInt16LE(at + 32);
    }
    await handle.write(directory, 0, directorySize, directoryOffset);
  } finally {
    await handle.close();
  }
};
