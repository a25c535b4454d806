import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';

// The ceiling: what node:http itself costs on this machine for a KMS-shaped exchange. It reads the body,
// parses the JSON and answers a fixed response of the operation's shape, with no signature check and no
// cryptography. Run as its own process (`node --import tsx bench/bare-server.ts --port N`) so it does not
// share an event loop with the load generator.

const KEY_ID = '11111111-2222-3333-4444-555555555555';
const KEY_ARN = `arn:aws:kms:us-east-1:111122223333:key/${KEY_ID}`;
const ciphertextBlob = randomBytes(4096 + 128).toString('base64');
const dataKeyBlob = randomBytes(184).toString('base64');

const responses: Readonly<Record<string, Buffer>> = Object.fromEntries(
  Object.entries({
    CreateKey: { KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, Enabled: true, KeyState: 'Enabled' } },
    Encrypt: { CiphertextBlob: ciphertextBlob, KeyId: KEY_ARN, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    Decrypt: {
      Plaintext: randomBytes(4096).toString('base64'),
      KeyId: KEY_ARN,
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    },
    GenerateDataKey: { CiphertextBlob: dataKeyBlob, Plaintext: randomBytes(32).toString('base64'), KeyId: KEY_ARN },
  }).map(([operation, body]) => [operation, Buffer.from(JSON.stringify(body))]),
);

const unknownOperation = Buffer.from(JSON.stringify({ __type: 'UnknownOperationException' }));

function answer(response: http.ServerResponse, status: number, body: Buffer): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': body.length });
  response.end(body);
}

function handle(request: http.IncomingMessage, response: http.ServerResponse): void {
  if (request.method === 'GET' && request.url === '/readyz') {
    answer(response, 200, Buffer.from('{}'));
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      answer(response, 400, Buffer.from(JSON.stringify({ __type: 'SerializationException' })));
      return;
    }
    const operation = String(request.headers['x-amz-target'] ?? '').replace(/^TrentService\./, '');
    const body = responses[operation];
    if (body) answer(response, 200, body);
    else answer(response, 400, unknownOperation);
  });
}

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('bare-server: --port <1-65535> is required');
  process.exit(2);
}
http.createServer(handle).listen(port, values.host);
