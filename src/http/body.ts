import type { IncomingMessage } from 'node:http';
import { kmsError } from '../errors/catalogue.js';

/**
 * The largest body Trent reads. KMS's largest request (a key policy of up to 131,072 characters, or a
 * 6 KiB blob with context and grant tokens, base64-encoded) fits; anything bigger is refused before parsing.
 */
export const MAX_BODY_BYTES = 256 * 1024;

function tooLarge() {
  return kmsError('RequestEntityTooLargeException', `Request body must be at most ${MAX_BODY_BYTES} bytes.`);
}

/** Reads the whole body, refusing (and stopping to read) as soon as it passes the limit. */
export function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length)));
    request.on('error', reject);
  });
}
