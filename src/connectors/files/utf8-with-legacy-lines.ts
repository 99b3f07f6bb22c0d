import { createLineFallback, type LegacyEncoding, type LineFallback } from './legacy-code-page.js';
import { createLineBlocks } from './line-blocks.js';
import type { SourceNotice } from '../../core/record-source.js';
import type { ChunkDecoder } from './text-encoding.js';

/**
 * Decodes a UTF-8 file that holds lines in a legacy code page (two exports pasted together) as the FEC reader does:
 * blocks of whole lines that are valid UTF-8 are decoded in one call, and only within a block that is not is each
 * line decoded on its own, as UTF-8 or, when its bytes are not UTF-8, in the legacy code page (nothing is lost).
 * Line breaks are kept as written. Text is given up to the last line break read, so a chunk may give none.
 */
export const createUtf8WithLegacyLinesDecoder = (
  legacy: LegacyEncoding,
): ChunkDecoder & { readonly fallback: LineFallback } => {
  const fallback = createLineFallback(legacy);
  let text = '';
  const blocks = createLineBlocks(
    (bytes, line, ending) => {
      text += fallback.decode(bytes, line) + ending;
    },
    (block) => {
      text += block;
    },
  );
  const taken = (): string => {
    const given = text;
    text = '';
    return given;
  };
  return {
    fallback,
    write: (bytes) => {
      blocks.push(bytes);
      return taken();
    },
    end: () => {
      blocks.end();
      return taken();
    },
  };
};

const ENCODING_NAMES: Record<LegacyEncoding, string> = {
  'windows-1252': 'Windows-1252',
  'iso-8859-15': 'ISO-8859-15',
};

/** "line 7 is", "lines 7 and 9 are", "lines 7, 9, 12, 15, 20 and 3 more are". */
const namedLines = (fallback: LineFallback): string => {
  const { firstLines, count } = fallback;
  if (count === 1) return `line ${firstLines[0]} is`;
  const more = count - firstLines.length;
  return more > 0
    ? `lines ${firstLines.join(', ')} and ${more} more are`
    : `lines ${firstLines.slice(0, -1).join(', ')} and ${firstLines.at(-1)} are`;
};

/** The notice naming the lines of `source` read in the legacy code page, if any were. */
export const legacyLinesNotice = (source: string, fallback: LineFallback): SourceNotice | undefined =>
  fallback.count === 0
    ? undefined
    : {
        code: 'ENCODING_FALLBACK',
        message: `${source}: ${namedLines(fallback)} not valid UTF-8: read as ${ENCODING_NAMES[fallback.legacy]}, the rest of the file as UTF-8`,
        line: fallback.firstLines[0] as number,
      };
