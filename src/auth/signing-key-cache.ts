import { createHmac, timingSafeEqual } from 'node:crypto';

/** The parts of a SigV4 credential scope a signing key is derived from. */
export interface SigningScope {
  readonly accessKeyId: string;
  /** yyyymmdd */
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

interface CachedKey {
  /** A private copy: the caller may reuse or wipe the buffer it handed in. */
  readonly secret: Buffer;
  readonly signingKey: Buffer;
}

/**
 * Derived SigV4 signing keys (four HMACs each) per access key, day, Region and service. A hit counts only
 * when the secret is still the same bytes, so a rotated secret never verifies with the old key. Bounded:
 * past `capacity` the oldest entry goes.
 */
export class SigningKeyCache {
  private readonly entries = new Map<string, CachedKey>();

  constructor(private readonly capacity = 1024) {}

  signingKey(scope: SigningScope, secret: Buffer): Buffer {
    return this.peek(scope, secret) ?? this.remember(scope, secret, deriveSigningKey(secret, scope));
  }

  /** The cached key, if one was derived from these very secret bytes. */
  peek(scope: SigningScope, secret: Buffer): Buffer | undefined {
    const cached = this.entries.get(cacheId(scope));
    return cached && sameBytes(cached.secret, secret) ? cached.signingKey : undefined;
  }

  /**
   * Caches a derived key. The verifier calls it only once a signature made with the key matched, so a
   * caller with a valid access key id but no secret cannot flush the cache with made-up Regions.
   */
  remember(scope: SigningScope, secret: Buffer, signingKey: Buffer): Buffer {
    const id = cacheId(scope);
    this.entries.delete(id);
    if (this.entries.size >= this.capacity) this.evictOldest();
    this.entries.set(id, { secret: Buffer.from(secret), signingKey });
    return signingKey;
  }

  get size(): number {
    return this.entries.size;
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}

/** '/' cannot occur inside a parsed credential's parts, so the id is unambiguous. */
function cacheId(scope: SigningScope): string {
  return `${scope.accessKeyId}/${scope.date}/${scope.region}/${scope.service}`;
}

export function deriveSigningKey(secret: Buffer, scope: SigningScope): Buffer {
  const dateKey = hmac(Buffer.concat([Buffer.from('AWS4'), secret]), scope.date);
  const regionKey = hmac(dateKey, scope.region);
  const serviceKey = hmac(regionKey, scope.service);
  return hmac(serviceKey, 'aws4_request');
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
