const timestampPattern =
  /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?:([+-]\d\d)(?::?(\d\d))?(?::?(\d\d))?)?$/;

/**
 * A database's text for a timestamp (`2024-03-01 08:30:00.25`, PostgreSQL's `…+01` or `…+05:30`) as ISO 8601,
 * keeping every digit: the text is rearranged, never parsed into a JS Date (which would drop microseconds
 * and, without a zone, guess one). No zone stays no zone; a zero offset becomes `Z`. Text that is not such a
 * timestamp (`infinity`, a BC date) is returned unchanged.
 */
export const isoTimestamp = (text: string): string => {
  const match = timestampPattern.exec(text);
  if (match === null) return text;
  const [, date = '', time = '', hours, minutes = '00', seconds] = match;
  if (hours === undefined) return `${date}T${time}`;
  const offset = `${hours}:${minutes}${seconds === undefined ? '' : `:${seconds}`}`;
  return `${date}T${time}${/^[+-]00:00(:00)?$/.test(offset) ? 'Z' : offset}`;
};
