/** Quotes an identifier with `quote` (`"` in standard SQL, a backtick in MySQL), doubling the quote inside it. */
export const quoteIdentifier = (name: string, quote: '"' | '`'): string =>
  `${quote}${name.replaceAll(quote, quote + quote)}${quote}`;
