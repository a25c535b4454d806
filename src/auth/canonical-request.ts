/**
 * The SigV4 canonical request, rebuilt from what the server received (never from what the client says
 * it signed). Pure functions over strings; they run on every request, so they avoid regular expressions
 * and take a fast path when there is nothing to encode, trim or sort.
 */

/** Lowercased header name -> its values in the order received (node's `req.rawHeaders` keeps duplicates). */
export type HeaderIndex = ReadonlyMap<string, readonly string[]>;

/** One query parameter, percent-decoded. */
export type QueryParam = readonly [name: string, value: string];

export interface CanonicalRequestInput {
  readonly method: string;
  /** The path as received, before any `?`, still in the percent-encoding it travelled in. */
  readonly path: string;
  /** The query parameters that were signed, decoded, in any order. */
  readonly query: readonly QueryParam[];
  readonly headers: HeaderIndex;
  /** The SignedHeaders list as the client sent it: it fixes both the header lines and their order. */
  readonly signedHeaders: readonly string[];
  /** SHA-256 hex of the body as received. */
  readonly payloadHash: string;
  /** Remove `.`, `..` and empty segments, as every AWS service but S3 does. Defaults to true. */
  readonly normalizePath?: boolean;
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  return [
    input.method,
    canonicalUri(input.path, input.normalizePath ?? true),
    canonicalQuery(input.query),
    canonicalHeaders(input.headers, input.signedHeaders),
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export function indexHeaders(rawHeaders: readonly string[]): HeaderIndex {
  const index = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    const values = index.get(name);
    if (values) values.push(value);
    else index.set(name, [value]);
  }
  return index;
}

/** Splits a raw query string (without the `?`) into decoded parameters, in the order received. */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    params.push(
      eq === -1 ? [percentDecode(pair), ''] : [percentDecode(pair.slice(0, eq)), percentDecode(pair.slice(eq + 1))],
    );
  }
  return params;
}

/**
 * A malformed escape (`%zz`) is kept as literal text: it then re-encodes to something no signer produced
 * from that wire form, so the request fails verification instead of the parser throwing.
 */
function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * For every AWS service but S3 the path is encoded once more on top of the encoding it travelled in
 * (AWS calls it double encoding: `/a%20b` on the wire signs as `/a%2520b`), after the same dot-segment
 * and empty-segment removal the AWS SDK signers apply.
 */
export function canonicalUri(path: string, normalize: boolean): string {
  if (path === '' || path === '/') return '/';
  if (!normalize) return path.split('/').map(uriEncode).join('/');
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') kept.pop();
    else kept.push(uriEncode(segment));
  }
  const trailingSlash = kept.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${kept.join('/')}${trailingSlash}`;
}

export function canonicalQuery(params: readonly QueryParam[]): string {
  if (params.length === 0) return '';
  return params
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(byNameThenValue)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Encoded names and values are ASCII, so code-unit order is the byte order SigV4 asks for. */
function byNameThenValue(a: QueryParam, b: QueryParam): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/** One `name:value` line per signed header; repeated headers join with `,` in the order received. */
function canonicalHeaders(headers: HeaderIndex, signedHeaders: readonly string[]): string {
  let lines = '';
  for (const name of signedHeaders) {
    const values = headers.get(name) ?? [];
    lines += `${name}:${values.map(trimAll).join(',')}\n`;
  }
  return lines;
}

/** SigV4's Trimall: no whitespace at either end, and each run of spaces or tabs inside becomes one space. */
export function trimAll(value: string): string {
  if (!needsTrimming(value)) return value;
  let out = '';
  let spacePending = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === SPACE || code === TAB) {
      spacePending = out !== '';
      continue;
    }
    if (spacePending) out += ' ';
    spacePending = false;
    out += value[i];
  }
  return out;
}

const SPACE = 0x20;
const TAB = 0x09;

function needsTrimming(value: string): boolean {
  if (value === '') return false;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return (
    first === SPACE || first === TAB || last === SPACE || last === TAB || value.includes('  ') || value.includes('\t')
  );
}

const percentEscapes = Array.from({ length: 256 }, (_, byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`);

function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x7e // ~
  );
}

/** SigV4's UriEncode: every byte of the UTF-8 form except RFC 3986 unreserved characters becomes %XX. */
export function uriEncode(text: string): string {
  let plain = 0;
  while (plain < text.length && isUnreserved(text.charCodeAt(plain))) plain++;
  if (plain === text.length) return text;
  let out = text.slice(0, plain);
  for (const byte of Buffer.from(text.slice(plain), 'utf8')) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : percentEscapes[byte]!;
  }
  return out;
}
