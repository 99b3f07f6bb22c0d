import type { SourceNotice } from '../../core/record-source.js';
import { createLineFallback, LEGACY_ENCODING_NAMES, type LineFallback } from './legacy-code-page.js';
import { createLineBlocks } from './line-blocks.js';
import type { ChunkDecoder, LegacyLines } from './text-encoding.js';

/** "line 7 is", "lines 7 and 9 are", "lines 7, 9, 12, 15, 20 and 3 more are". */
const namedLines = (fallback: LineFallback): string => {
  const { firstLines, count } = fallback;
  if (count === 1) return `line ${firstLines[0]} is`;
  const more = count - firstLines.length;
  return more > 0
    ? `lines ${firstLines.join(', ')} and ${more} more are`
    : `lines ${firstLines.slice(0, -1).join(', ')} and ${firstLines.at(-1)} are`;
};

/**
 * Decodes a UTF-8 file that holds lines in a legacy code page (two exports pasted together) as the FEC reader does:
 * blocks of whole lines that are valid UTF-8 are decoded in one call, and only within a block that is not is each
 * line decoded on its own, as UTF-8 or, when its bytes are not UTF-8, in the legacy code page (nothing is lost).
 * The code page is the one judged from the file's first bytes, or, when they were all UTF-8 (`later`: a legacy
 * line past the sample), the one judged from the first line that is not. Line breaks are kept as written. Text is
 * given up to the last line break read, so a chunk may give none. Once the file is read, `notice` names the lines
 * read in the legacy code page, and why that one, if there were any.
 */
export const createUtf8WithLegacyLinesDecoder = (
  legacyLines: LegacyLines,
): ChunkDecoder & { notice(source: string): SourceNotice | undefined } => {
  const fallback = createLineFallback(legacyLines === 'later' ? undefined : legacyLines);
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
    write: (bytes) => {
      blocks.push(bytes);
      return taken();
    },
    end: () => {
      blocks.end();
      return taken();
    },
    notice: (source) =>
      fallback.count === 0
        ? undefined
        : {
            code: 'ENCODING_FALLBACK',
            message: `${source}: ${namedLines(fallback)} not valid UTF-8: read as ${LEGACY_ENCODING_NAMES[fallback.choice.encoding]} (${fallback.choice.why}), the rest of the file as UTF-8`,
            line: fallback.firstLines[0] as number,
          },
  };
};
