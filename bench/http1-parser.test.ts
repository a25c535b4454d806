import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpParseError, ResponseParser } from './http1-parser.js';

function response(status: number, body: string, extraHeaders = ''): string {
  return `HTTP/1.1 ${status} Whatever\r\nContent-Type: application/x-amz-json-1.1\r\n${extraHeaders}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function summary(parsed: ReturnType<ResponseParser['push']>) {
  return parsed.map(({ status, body, keepAlive }) => ({ status, body: body.toString('utf8'), keepAlive }));
}

test('parses a whole response that arrives in one chunk', () => {
  const parser = new ResponseParser();
  assert.deepEqual(summary(parser.push(Buffer.from(response(200, '{"KeyId":"k"}')))), [
    { status: 200, body: '{"KeyId":"k"}', keepAlive: true },
  ]);
  assert.equal(parser.end(), undefined, 'nothing is left over');
});

test('a response split at every byte still comes out whole, and only once it is complete', () => {
  const bytes = Buffer.from(response(400, '{"__type":"ValidationException"}'));
  const parser = new ResponseParser();
  for (let index = 0; index < bytes.length - 1; index += 1) {
    assert.deepEqual(parser.push(bytes.subarray(index, index + 1)), [], `byte ${index}`);
  }
  assert.deepEqual(summary(parser.push(bytes.subarray(bytes.length - 1))), [
    { status: 400, body: '{"__type":"ValidationException"}', keepAlive: true },
  ]);
});

test('a split inside the end of the head (\\r\\n | \\r\\n) is found', () => {
  const text = response(200, 'abc');
  const cut = text.indexOf('\r\n\r\n') + 2;
  const parser = new ResponseParser();
  assert.deepEqual(parser.push(Buffer.from(text.slice(0, cut))), []);
  assert.deepEqual(summary(parser.push(Buffer.from(text.slice(cut)))), [{ status: 200, body: 'abc', keepAlive: true }]);
});

test('several pipelined responses in one chunk come out in order, and a partial third waits', () => {
  const third = response(200, 'third');
  const chunk = response(200, 'first') + response(503, 'second') + third.slice(0, 20);
  const parser = new ResponseParser();
  assert.deepEqual(summary(parser.push(Buffer.from(chunk))), [
    { status: 200, body: 'first', keepAlive: true },
    { status: 503, body: 'second', keepAlive: true },
  ]);
  assert.deepEqual(summary(parser.push(Buffer.from(third.slice(20)))), [
    { status: 200, body: 'third', keepAlive: true },
  ]);
});

test('Content-Length 0 completes with an empty body, also right before the next response', () => {
  const parser = new ResponseParser();
  const parsed = parser.push(Buffer.from(response(200, '') + response(200, 'next')));
  assert.deepEqual(summary(parsed), [
    { status: 200, body: '', keepAlive: true },
    { status: 200, body: 'next', keepAlive: true },
  ]);
});

test('a body that contains a blank line is not mistaken for a head', () => {
  const body = 'line\r\n\r\nHTTP/1.1 500 Fake\r\n\r\n';
  const parser = new ResponseParser();
  assert.deepEqual(summary(parser.push(Buffer.from(response(200, body)))), [{ status: 200, body, keepAlive: true }]);
});

test('Connection: close, and HTTP/1.0 without keep-alive, mean the server closes after the response', () => {
  const parser = new ResponseParser();
  const closing = response(200, 'a', 'Connection: close\r\n');
  const http10 = 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nb';
  const http10KeepAlive = 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nc';
  assert.deepEqual(
    parser.push(Buffer.from(closing + http10 + http10KeepAlive)).map((parsed) => parsed.keepAlive),
    [false, false, true],
  );
});

test('without a Content-Length the body runs until the connection closes', () => {
  const parser = new ResponseParser();
  assert.deepEqual(parser.push(Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"a"')), []);
  assert.deepEqual(parser.push(Buffer.from(':1}')), []);
  const ended = parser.end();
  assert.deepEqual(ended && summary([ended]), [{ status: 200, body: '{"a":1}', keepAlive: false }]);
});

test('204 has no body even without a Content-Length', () => {
  const parser = new ResponseParser();
  assert.deepEqual(summary(parser.push(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))), [
    { status: 204, body: '', keepAlive: true },
  ]);
});

test('a connection closed in the middle of a response is an error, not a short body', () => {
  const parser = new ResponseParser();
  parser.push(Buffer.from(response(200, 'complete body').slice(0, -3)));
  assert.throws(() => parser.end(), /closed after 10 of 13 body bytes/);
  const inHead = new ResponseParser();
  inHead.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'));
  assert.throws(() => inHead.end(), /inside a response head/);
});

test('chunked transfer encoding fails loudly instead of being misread', () => {
  const parser = new ResponseParser();
  const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n';
  assert.throws(() => parser.push(Buffer.from(chunked)), HttpParseError);
  assert.throws(() => new ResponseParser().push(Buffer.from(chunked)), /Transfer-Encoding "chunked" is not supported/);
});

test('malformed status lines, header lines and lengths are refused', () => {
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ['HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n', /malformed status line/],
    ['HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n', /malformed status line/],
    ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', /malformed header line/],
    ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /invalid Content-Length/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', /invalid Content-Length/],
  ];
  for (const [text, expected] of cases) {
    assert.throws(() => new ResponseParser().push(Buffer.from(text)), expected, JSON.stringify(text));
  }
});

test('repeated identical Content-Length headers are accepted', () => {
  const parser = new ResponseParser();
  const text = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok';
  assert.deepEqual(summary(parser.push(Buffer.from(text))), [{ status: 200, body: 'ok', keepAlive: true }]);
});

test('a head that never ends is refused instead of buffered without bound', () => {
  const parser = new ResponseParser();
  parser.push(Buffer.from('HTTP/1.1 200 OK\r\n'));
  assert.throws(() => parser.push(Buffer.alloc(70 * 1024, 'a')), /no end of headers/);
});
