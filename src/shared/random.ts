import { randomFillSync } from 'node:crypto';

/** Cryptographically secure random bytes. Injected so tests can be deterministic. */
export interface Random {
  bytes(length: number): Buffer;
}

/**
 * Draws from a pool refilled by one large randomFillSync call: a call per request
 * (IVs, salts) costs far more than a slice. Each returned Buffer is a fresh copy,
 * so no two callers ever share bytes.
 */
export function pooledRandom(poolSize = 64 * 1024): Random {
  const pool = Buffer.alloc(poolSize);
  let offset = poolSize;
  return {
    bytes(length: number): Buffer {
      if (length > poolSize) return randomFillSync(Buffer.alloc(length));
      if (offset + length > poolSize) {
        randomFillSync(pool);
        offset = 0;
      }
      const out = Buffer.from(pool.subarray(offset, offset + length));
      pool.fill(0, offset, offset + length);
      offset += length;
      return out;
    },
  };
}
