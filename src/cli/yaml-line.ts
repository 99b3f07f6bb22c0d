import { LineCounter, parseDocument } from 'yaml';

/**
 * The line of the value at `path` in a plan's YAML text, for checks made after parsing (parsePlan gives lines for
 * its own). Undefined when the path is not in the text.
 */
export const yamlLine = (text: string, path: readonly (string | number)[]): number | undefined => {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const node: unknown = document.getIn(path, true);
  if (node === null || typeof node !== 'object' || !('range' in node) || !Array.isArray(node.range))
    return undefined;
  return lineCounter.linePos(node.range[0] as number).line;
};
