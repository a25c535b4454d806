// A minimal incremental HTTP/1.x response parser for the load generator, which node:http's client machinery
// costs too much CPU to be: status line, Content-Length bodies, and bodies that end when the server closes
// the connection (HTTP/1.0 style). Chunked transfer encoding is refused loudly rather than misread; none of
// the targets sends it for these calls. Bytes may arrive split anywhere, and several responses may arrive in
// one chunk.

export interface HttpResponse {
  readonly status: number;
  readonly body: Buffer;
  /** False when the server closes the connection after this response, so the next request needs a new one. */
  readonly keepAlive: boolean;
}

interface ResponseHead {
  readonly status: number;
  readonly keepAlive: boolean;
  /** Undefined when the body runs until the server closes the connection. */
  readonly contentLength: number | undefined;
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** A head longer than this is not a KMS response: fail instead of buffering without bound. */
const MAX_HEAD_BYTES = 64 * 1024;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;
const EMPTY = Buffer.alloc(0);

export class HttpParseError extends Error {
  override readonly name = 'HttpParseError';
}

/** The only fields that frame a response; the others are skipped without being lower-cased or stored. */
const FRAMING_FIELDS = new Set(['content-length', 'transfer-encoding', 'connection']);
const FRAMING_NAME_LENGTHS = new Set([...FRAMING_FIELDS].map((name) => name.length));
const DIGITS = /^\d{1,15}$/;

function framingFields(lines: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of lines) {
    // RFC 9112 §5.1: no whitespace between the name and the colon, so the colon's index is the name's length.
    const colon = line.indexOf(':');
    if (colon <= 0) throw new HttpParseError(`malformed header line "${line.slice(0, 80)}"`);
    if (!FRAMING_NAME_LENGTHS.has(colon)) continue;
    const name = line.slice(0, colon).toLowerCase();
    if (!FRAMING_FIELDS.has(name)) continue;
    const value = line.slice(colon + 1).trim();
    const earlier = fields.get(name);
    fields.set(name, earlier === undefined ? value : `${earlier}, ${value}`);
  }
  return fields;
}

function contentLengthOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (DIGITS.test(value)) return Number(value);
  // Repeated identical values ("12, 12") are allowed by RFC 9110; different ones are a broken message.
  const values = new Set(value.split(',').map((item) => item.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || !DIGITS.test(only)) {
    throw new HttpParseError(`invalid Content-Length "${value}"`);
  }
  return Number(only);
}

function parseHead(text: string): ResponseHead {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const match = STATUS_LINE.exec(statusLine);
  if (!match) throw new HttpParseError(`malformed status line "${statusLine.slice(0, 80)}"`);
  const status = Number(match[2]);
  const fields = framingFields(lines);
  const transferEncoding = fields.get('transfer-encoding');
  if (transferEncoding !== undefined && transferEncoding.toLowerCase() !== 'identity') {
    throw new HttpParseError(`Transfer-Encoding "${transferEncoding}" is not supported by the bench client`);
  }
  const connection = (fields.get('connection') ?? '').toLowerCase();
  const keepAliveByDefault = match[1] === '1';
  const persistent = keepAliveByDefault ? !connection.includes('close') : connection.includes('keep-alive');
  const declared = contentLengthOf(fields.get('content-length'));
  // RFC 9112 §6.3: 204 and 304 have no body; otherwise, without a length, the body ends with the connection.
  const contentLength = status === 204 || status === 304 ? 0 : declared;
  return { status, contentLength, keepAlive: persistent && contentLength !== undefined };
}

export class ResponseParser {
  #buffered: Buffer = EMPTY;
  #head: ResponseHead | undefined;

  /** Feeds the next bytes from the connection; returns the responses they complete, in order. */
  push(chunk: Buffer): HttpResponse[] {
    const complete: HttpResponse[] = [];
    let data = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    for (;;) {
      if (this.#head === undefined) {
        const headEnd = data.indexOf(HEAD_END);
        if (headEnd < 0) {
          if (data.length > MAX_HEAD_BYTES) throw new HttpParseError(`no end of headers in ${data.length} bytes`);
          break;
        }
        this.#head = parseHead(data.toString('latin1', 0, headEnd));
        data = data.subarray(headEnd + HEAD_END.length);
      }
      const length = this.#head.contentLength;
      if (length === undefined || data.length < length) break;
      complete.push({ status: this.#head.status, body: data.subarray(0, length), keepAlive: this.#head.keepAlive });
      this.#head = undefined;
      data = data.subarray(length);
    }
    this.#buffered = data;
    return complete;
  }

  /**
   * The server closed the connection: completes a response whose body runs until the close, and fails when a
   * response was cut short. Returns undefined when the connection closed between responses.
   */
  end(): HttpResponse | undefined {
    const head = this.#head;
    const buffered = this.#buffered;
    this.#head = undefined;
    this.#buffered = EMPTY;
    if (head === undefined) {
      if (buffered.length === 0) return undefined;
      throw new HttpParseError(`the connection closed inside a response head (${buffered.length} bytes)`);
    }
    if (head.contentLength !== undefined) {
      throw new HttpParseError(
        `the connection closed after ${buffered.length} of ${head.contentLength} body bytes (HTTP ${head.status})`,
      );
    }
    return { status: head.status, body: buffered, keepAlive: false };
  }
}
