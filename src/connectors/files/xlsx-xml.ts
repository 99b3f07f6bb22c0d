import { StringDecoder } from 'node:string_decoder';

/** What an XmlScanner tells as it reads: elements by local name (`x:row` is `row`), text by its bounds. */
export interface XmlHandler {
  /** A start tag, `xml.slice(start, end)` being `<name ...` up to its `>` (excluded), for attributes. */
  open(name: string, xml: string, start: number, end: number): void;
  /** An end tag, or the end of an element written `<name/>`. */
  close(name: string): void;
  /** Character data as written, `xml.slice(start, end)`: entities are still to decode (xmlText), not in CDATA. */
  text(xml: string, start: number, end: number, cdata: boolean): void;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Character data as a parser gives it: line ends made `\n` (XML's end-of-line handling: a CR in a value is written
 * `&#13;` or, by Excel, `_x000D_`), then entities and character references replaced (not in CDATA).
 */
export const xmlText = (raw: string, cdata: boolean): string => {
  let text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (!cdata && text.includes('&')) {
    text = text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, name: string) => {
      if (name.startsWith('#')) {
        const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name] ?? whole;
    });
  }
  return text;
};

/** The attributes of one start tag, read in order without building an object: `while (cursor.next())`. */
export class AttributeCursor {
  name = '';
  value = '';
  private xml = '';
  private at = 0;
  private end = 0;

  /** Starts on the tag `xml.slice(start, end)` (`<name a="1" b='2'`), past its name. */
  reset(xml: string, start: number, end: number): this {
    this.xml = xml;
    this.end = end;
    let at = start + 1;
    while (at < end && !isSpace(xml.charCodeAt(at)) && xml.charCodeAt(at) !== 47) at++;
    this.at = at;
    return this;
  }

  next(): boolean {
    const { xml, end } = this;
    let at = this.at;
    while (at < end && (isSpace(xml.charCodeAt(at)) || xml.charCodeAt(at) === 47)) at++;
    if (at >= end) return false;
    const nameStart = at;
    while (at < end && xml.charCodeAt(at) !== 61 && !isSpace(xml.charCodeAt(at))) at++;
    this.name = xml.slice(nameStart, at);
    while (at < end && xml.charCodeAt(at) !== 34 && xml.charCodeAt(at) !== 39) at++;
    const quote = xml.charCodeAt(at);
    const close = at < end ? xml.indexOf(quote === 34 ? '"' : "'", at + 1) : -1;
    if (close === -1 || close > end) {
      this.at = end;
      this.value = '';
      return this.name !== '';
    }
    const raw = xml.slice(at + 1, close);
    this.value = raw.includes('&') ? xmlText(raw, false) : raw;
    this.at = close + 1;
    return true;
  }
}

const isSpace = (code: number): boolean => code === 32 || code === 10 || code === 9 || code === 13;

/**
 * A streaming reader of an XML part (a worksheet, the shared strings), as fast as the parts are large: chunks of
 * bytes are decoded as UTF-8 with what a chunk cuts of a character kept for the next (exceljs's reader decoded
 * each chunk alone, and a character cut in two read as two U+FFFD), and the XML is cut into tags and text, what a
 * chunk cuts of a tag or text kept for the next. Comments, processing instructions and a doctype are passed over;
 * an end tag must close the element open (or the part is refused as malformed), and the part must end with its
 * elements closed.
 */
export class XmlScanner {
  /** The local names of the elements open, outermost first. */
  readonly open: string[] = [];
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private started = false;

  constructor(private readonly handler: XmlHandler) {}

  /**
   * The element that holds the one the handler is told of (in open and close, it is not itself open): `parent(1)`
   * is that element's parent.
   */
  parent(level = 0): string | undefined {
    return this.open[this.open.length - 1 - level];
  }

  write(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.scan(this.carry === '' ? text : this.carry + text);
  }

  end(): void {
    const rest = this.decoder.end();
    if (rest !== '') this.scan(this.carry + rest);
    if (this.carry.trim() !== '') throw new Error('the XML ends inside a tag');
    const unclosed = this.parent();
    if (unclosed !== undefined) throw new Error(`the XML ends before </${unclosed}>`);
  }

  private scan(xml: string): void {
    const { handler, open } = this;
    const length = xml.length;
    let at = 0;
    while (at < length) {
      const lt = xml.indexOf('<', at);
      if (lt === -1) break;
      if (lt > at) handler.text(xml, at, lt, false);
      at = lt;
      if (lt + 1 >= length) break;
      const next = xml.charCodeAt(lt + 1);
      if (next === 47) {
        // </name>
        const gt = xml.indexOf('>', lt + 2);
        if (gt === -1) break;
        const name = localName(xml.slice(lt + 2, gt).trimEnd());
        const expected = open.pop();
        if (name !== expected) {
          throw new Error(
            expected === undefined
              ? `malformed XML: </${name}> closes no element`
              : `malformed XML: </${name}> where </${expected}> was expected`,
          );
        }
        handler.close(name);
        at = gt + 1;
      } else if (next === 63) {
        // <?xml ...?>
        const end = xml.indexOf('?>', lt + 2);
        if (end === -1) break;
        at = end + 2;
      } else if (next === 33) {
        const head = xml.slice(lt, lt + 9);
        if (head.startsWith('<!--')) {
          const end = xml.indexOf('-->', lt + 4);
          if (end === -1) break;
          at = end + 3;
        } else if (head === '<![CDATA[') {
          const end = xml.indexOf(']]>', lt + 9);
          if (end === -1) break;
          handler.text(xml, lt + 9, end, true);
          at = end + 3;
        } else if ('<![CDATA['.startsWith(head) || '<!--'.startsWith(head)) {
          // Cut too short to tell a CDATA section or a comment from a doctype.
          break;
        } else {
          const end = xml.indexOf('>', lt + 2);
          if (end === -1) break;
          at = end + 1;
        }
      } else {
        // <name attributes> or <name attributes/>: the first > outside quotes ends it.
        let end = lt + 1;
        let quote = 0;
        for (; end < length; end++) {
          const code = xml.charCodeAt(end);
          if (quote !== 0) {
            if (code === quote) quote = 0;
          } else if (code === 62) break;
          else if (code === 34 || code === 39) quote = code;
        }
        if (end >= length) break;
        let nameEnd = lt + 1;
        while (nameEnd < end) {
          const code = xml.charCodeAt(nameEnd);
          if (code === 47 || isSpace(code)) break;
          nameEnd++;
        }
        const name = localName(xml.slice(lt + 1, nameEnd));
        const selfClosing = xml.charCodeAt(end - 1) === 47;
        handler.open(name, xml, lt, selfClosing ? end - 1 : end);
        if (selfClosing) handler.close(name);
        else open.push(name);
        at = end + 1;
      }
    }
    this.carry = at < length ? xml.slice(at) : '';
  }
}

const localName = (name: string): string => {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
};
