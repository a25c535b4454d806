import { kmsError } from '../errors/catalogue.js';

/**
 * Markers are opaque to clients: the base64url of the last item's sort key. A marker Trent did not issue
 * is InvalidMarkerException, as in AWS.
 */
export function markerAfter(sortKey: string): string {
  return Buffer.from(`trent:${sortKey}`, 'utf8').toString('base64url');
}

export function cursorOf(marker: string | undefined): string | undefined {
  if (marker === undefined) return undefined;
  const decoded = Buffer.from(marker, 'base64url').toString('utf8');
  if (!decoded.startsWith('trent:') || markerAfter(decoded.slice(6)) !== marker) {
    throw kmsError('InvalidMarkerException', 'Invalid marker');
  }
  return decoded.slice(6);
}

/** Fetches one more than asked so Truncated is exact without a count query. */
export async function page<Item>(
  limit: number,
  marker: string | undefined,
  fetch: (request: { limit: number; after: string | undefined }) => Promise<Item[]>,
  sortKey: (item: Item) => string,
): Promise<{ items: Item[]; truncated: boolean; nextMarker: string | undefined }> {
  const rows = await fetch({ limit: limit + 1, after: cursorOf(marker) });
  const truncated = rows.length > limit;
  const items = truncated ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, truncated, nextMarker: truncated && last !== undefined ? markerAfter(sortKey(last)) : undefined };
}

/** The response fields AWS sends for a page: NextMarker only when Truncated. */
export function pageFields(result: { truncated: boolean; nextMarker: string | undefined }): {
  Truncated: boolean;
  NextMarker?: string;
} {
  return result.nextMarker === undefined
    ? { Truncated: result.truncated }
    : { Truncated: result.truncated, NextMarker: result.nextMarker };
}
