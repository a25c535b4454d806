/**
 * The awsQuery wire format of IAM and STS: requests are application/x-www-form-urlencoded bodies, responses XML.
 *
 * A body that is not a well-formed form (invalid UTF-8, a `%` not followed by two hex digits or escaping bytes
 * that are not UTF-8, a parameter named twice) is refused as ValidationError: AWS documents no code of its own
 * for it, and a parameter named twice would otherwise let two readers of one request see different values.
 *
 * Responses are written compactly, without an XML declaration (the SDKs and the CLI read both). Text is escaped
 * for XML 1.0: the five markup characters as entities, CR as `&#13;` (a parser would turn a raw CR into LF), and
 * characters XML 1.0 cannot carry at all, not even as references (control characters, lone surrogates, U+FFFE,
 * U+FFFF), as U+FFFD: a response stays well-formed whatever an echoed value holds.
 */
import type { ServerResponse } from 'node:http';
import { type QueryError, queryError } from '../errors/catalogue.js';
import type { QueryResult } from '../operations/query/definition.js';

const QUERY_XML = 'text/xml';

// ---------------------------------------------------------------------------------------------------------------
// Requests

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Parameter names are echoed in errors; this many characters of one are enough to recognise it. */
const MAX_ECHOED_NAME = 128;

const malformed = (reason: string) => queryError('ValidationError', `The request body is not a valid form: ${reason}`);

function decodeUtf8(body: Buffer): string {
  try {
    return UTF8.decode(body);
  } catch {
    throw malformed('it is not UTF-8');
  }
}

/** `+` is a space and `%XX` escapes UTF-8 bytes; decodeURIComponent refuses bad escapes and invalid UTF-8. */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw malformed('a percent-encoding is invalid');
  }
}

const echoName = (name: string): string =>
  name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}...` : name;

/**
 * The parameters of an application/x-www-form-urlencoded body by name. Empty `&`-separated parts are skipped and
 * a part without `=` is a parameter with an empty value, as in browsers' URLSearchParams.
 */
export function parseForm(body: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of decodeUtf8(body).split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = decodeComponent(equals === -1 ? part : part.slice(0, equals));
    if (params.has(name)) throw malformed(`the parameter '${echoName(name)}' is given more than once`);
    params.set(name, equals === -1 ? '' : decodeComponent(part.slice(equals + 1)));
  }
  return params;
}

// ---------------------------------------------------------------------------------------------------------------
// Responses

/** What needs escaping: markup, and every character but those of XML 1.0's Char production other than CR. */
const NEEDS_ESCAPE = /[&<>"']|[^\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

function escapeXml(text: string): string {
  return text.replace(NEEDS_ESCAPE, (char) => ESCAPES[char] ?? '\uFFFD');
}

/** Element names come from the operations, never from a request; checked so that a slip cannot inject markup. */
const ELEMENT_NAME = /^[A-Za-z_][\w.-]*$/;

function tag(name: string): string {
  if (!ELEMENT_NAME.test(name)) throw new Error(`not an XML element name: ${JSON.stringify(name)}`);
  return name;
}

/** AWS's timestamps: ISO 8601 in UTC, to the second. */
const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The element `name` holding `value`; nothing for a null or undefined value. */
function element(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  return `<${tag(name)}>${content(value)}</${name}>`;
}

function content(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return escapeXml(value);
    case 'boolean':
      return String(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`not a number XML can carry: ${value}`);
      return String(value);
    case 'object':
      if (value instanceof Date) return isoSeconds(value);
      if (Array.isArray(value)) return value.map((item) => element('member', item)).join('');
      return Object.entries(value as object)
        .map(([name, member]) => element(name, member))
        .join('');
    default:
      throw new Error(`cannot write a ${typeof value} as XML`);
  }
}

/**
 * `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata><RequestId>…</RequestId>
 * </ResponseMetadata></ActionResponse>`, without the result element when the operation returns none.
 */
export function toQueryXml(action: string, namespace: string, result: QueryResult, requestId: string): string {
  const response = tag(`${action}Response`);
  return (
    `<${response} xmlns="${escapeXml(namespace)}">${element(`${action}Result`, result)}` +
    `<ResponseMetadata>${element('RequestId', requestId)}</ResponseMetadata></${response}>`
  );
}

/** `<ErrorResponse xmlns><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
export function toQueryErrorXml(namespace: string, error: QueryError, requestId: string): string {
  const detail = element('Type', error.fault) + element('Code', error.code) + element('Message', error.message);
  return `<ErrorResponse xmlns="${escapeXml(namespace)}"><Error>${detail}</Error>${element('RequestId', requestId)}</ErrorResponse>`;
}

export function sendQueryXml(response: ServerResponse, status: number, requestId: string, xml: string): void {
  response.writeHead(status, {
    'Content-Type': QUERY_XML,
    'Content-Length': Buffer.byteLength(xml),
    'x-amzn-RequestId': requestId,
  });
  response.end(xml);
}
