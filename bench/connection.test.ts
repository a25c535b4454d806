import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { type Endpoint, KeepAliveConnection } from './connection.js';

// Scripted TCP servers: each complete request is handed to `answer` with the socket it came on and the index
// of that socket's connection, so a test decides byte for byte what the client gets back.

type Answer = (socket: net.Socket, connectionIndex: number, requestBody: string) => void;

interface Scripted {
  readonly endpoint: Endpoint;
  readonly connections: () => number;
  readonly close: () => Promise<void>;
}

/** Splits the bytes a client sent into requests (head, then Content-Length bytes of body). */
function onRequests(socket: net.Socket, handle: (body: string) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const headEnd = pending.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(pending.toString('latin1', 0, headEnd))?.[1] ?? 0);
      if (pending.length < headEnd + 4 + length) return;
      handle(pending.toString('utf8', headEnd + 4, headEnd + 4 + length));
      pending = pending.subarray(headEnd + 4 + length);
    }
  });
}

async function scripted(answer: Answer): Promise<Scripted> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    const index = accepted;
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onRequests(socket, (body) => answer(socket, index, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: { host: '127.0.0.1', port },
    connections: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function request(body: string): Buffer {
  return Buffer.from(`POST / HTTP/1.1\r\nHost: test\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function ok(body: string, headers = ''): string {
  return `HTTP/1.1 200 OK\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

async function sendAll(connection: KeepAliveConnection, bodies: readonly string[]): Promise<string[]> {
  const answers: string[] = [];
  for (const body of bodies) {
    const response = await connection.send(request(body), 2000, 'Test');
    answers.push(`${response.status} ${response.body.toString('utf8')}`);
  }
  return answers;
}

test('keeps one connection alive across requests', async (t) => {
  const server = await scripted((socket, _index, body) => socket.write(ok(`echo ${body}`)));
  t.after(server.close);
  const connection = new KeepAliveConnection(server.endpoint);
  t.after(() => connection.close());
  assert.deepEqual(await sendAll(connection, ['a', 'b', 'c']), ['200 echo a', '200 echo b', '200 echo c']);
  assert.equal(server.connections(), 1);
});

test('a response written in pieces is awaited whole', async (t) => {
  const server = await scripted((socket) => {
    const bytes = ok('{"split":true}');
    socket.write(bytes.slice(0, 10));
    setTimeout(() => socket.write(bytes.slice(10, 40)), 5);
    setTimeout(() => socket.write(bytes.slice(40)), 10);
  });
  t.after(server.close);
  const connection = new KeepAliveConnection(server.endpoint);
  t.after(() => connection.close());
  assert.deepEqual(await sendAll(connection, ['x', 'y']), ['200 {"split":true}', '200 {"split":true}']);
});

test('Connection: close from the server makes the next request reconnect', async (t) => {
  const server = await scripted((socket) => socket.end(ok('bye', 'Connection: close\r\n')));
  t.after(server.close);
  const connection = new KeepAliveConnection(server.endpoint);
  t.after(() => connection.close());
  assert.deepEqual(await sendAll(connection, ['a', 'b', 'c']), ['200 bye', '200 bye', '200 bye']);
  assert.equal(server.connections(), 3);
});

test('an HTTP/1.0 body that ends with the connection is read to the end', async (t) => {
  const server = await scripted((socket) => socket.end('HTTP/1.0 200 OK\r\n\r\n{"until":"close"}'));
  t.after(server.close);
  const connection = new KeepAliveConnection(server.endpoint);
  t.after(() => connection.close());
  assert.deepEqual(await sendAll(connection, ['a', 'b']), ['200 {"until":"close"}', '200 {"until":"close"}']);
  assert.equal(server.connections(), 2);
});

test('a request on a reused connection that the server closes unanswered is sent again on a new one', async (t) => {
  // The race of a server closing an idle keep-alive connection just as the client sends on it.
  const server = await scripted((socket, index, body) => {
    if (index === 0 && body === 'second') socket.destroy();
    else socket.write(ok(`served ${body}`));
  });
  t.after(server.close);
  const connection = new KeepAliveConnection(server.endpoint);
  t.after(() => connection.close());
  assert.deepEqual(await sendAll(connection, ['first', 'second']), ['200 served first', '200 served second']);
  assert.equal(server.connections(), 2);
});

test('a server that closes a fresh connection without answering is an error, not a retry loop', async (t) => {
  const server = await scripted((socket) => socket.destroy());
  t.after(server.close);
  const connection = new KeepAliveConnection(server.endpoint);
  t.after(() => connection.close());
  await assert.rejects(
    connection.send(request('a'), 2000, 'Test'),
    /closed the connection without answering|ECONNRESET/,
  );
  assert.equal(server.connections(), 1);
});

test('a request that gets no answer times out, and the next one uses a new connection', async (t) => {
  const server = await scripted((socket, index) => {
    if (index > 0) socket.write(ok('late but fine'));
  });
  t.after(server.close);
  const connection = new KeepAliveConnection(server.endpoint);
  t.after(() => connection.close());
  const startedMs = Date.now();
  await assert.rejects(connection.send(request('a'), 100, 'Encrypt'), /^Error: Encrypt timed out after 100 ms$/);
  assert.ok(Date.now() - startedMs < 1000);
  assert.deepEqual(await sendAll(connection, ['b']), ['200 late but fine']);
  assert.equal(server.connections(), 2);
});

test('a chunked response is an error, and the connection is dropped', async (t) => {
  const server = await scripted((socket, index) =>
    socket.write(
      index === 0 ? 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n' : ok('plain'),
    ),
  );
  t.after(server.close);
  const connection = new KeepAliveConnection(server.endpoint);
  t.after(() => connection.close());
  await assert.rejects(connection.send(request('a'), 2000, 'Test'), /Transfer-Encoding "chunked" is not supported/);
  assert.deepEqual(await sendAll(connection, ['b']), ['200 plain']);
});

test('a refused connection is an error', async () => {
  const server = await scripted(() => {});
  const { endpoint } = server;
  await server.close();
  const connection = new KeepAliveConnection(endpoint);
  await assert.rejects(connection.send(request('a'), 2000, 'Test'), /ECONNREFUSED/);
});

test('one request at a time: a second send while one is in flight is refused', async (t) => {
  const server = await scripted((socket) => setTimeout(() => socket.write(ok('one')), 20));
  t.after(server.close);
  const connection = new KeepAliveConnection(server.endpoint);
  t.after(() => connection.close());
  const first = connection.send(request('a'), 2000, 'Test');
  await assert.rejects(connection.send(request('b'), 2000, 'Test'), /already in flight/);
  assert.equal((await first).status, 200);
});
