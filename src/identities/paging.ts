import { queryError } from '../errors/catalogue.js';
import type { PageRequest } from '../persistence/port.js';

/** IAM's MaxItems when a list request names none. */
export const DEFAULT_MAX_ITEMS = 100;

/** Marker and MaxItems of an IAM list request, as validated against the model. */
export interface PageInput {
  readonly marker?: string | undefined;
  readonly maxItems?: number | undefined;
}

/** One page of an IAM list: `marker` is set exactly when the list is truncated. */
export interface Page<Item> {
  readonly items: readonly Item[];
  readonly isTruncated: boolean;
  readonly marker?: string;
}

const MARKER_PREFIX = 'trent:';

/** Markers are opaque to clients: the base64url of the last item's sort key. */
function markerAfter(sortKey: string): string {
  return Buffer.from(`${MARKER_PREFIX}${sortKey}`, 'utf8').toString('base64url');
}

/** The sort key a marker stands for; a marker Trent did not issue is refused rather than read as some position. */
function cursorOf(marker: string | undefined): string | undefined {
  if (marker === undefined) return undefined;
  const decoded = Buffer.from(marker, 'base64url').toString('utf8');
  if (!decoded.startsWith(MARKER_PREFIX) || markerAfter(decoded.slice(MARKER_PREFIX.length)) !== marker) {
    throw queryError('ValidationError', 'Invalid Marker.');
  }
  return decoded.slice(MARKER_PREFIX.length);
}

/** Fetches one more item than asked, so that IsTruncated is exact without counting. */
export async function fetchPage<Item>(
  input: PageInput,
  fetch: (request: PageRequest) => Promise<readonly Item[]>,
  sortKey: (item: Item) => string,
): Promise<Page<Item>> {
  const limit = input.maxItems ?? DEFAULT_MAX_ITEMS;
  const rows = await fetch({ limit: limit + 1, after: cursorOf(input.marker) });
  if (rows.length <= limit) return { items: rows, isTruncated: false };
  const items = rows.slice(0, limit);
  return { items, isTruncated: true, marker: markerAfter(sortKey(items[limit - 1] as Item)) };
}

/** A page of a short list held whole in memory, sorted ascending by `sortKey`. */
export function pageOfList<Item>(
  sorted: readonly Item[],
  input: PageInput,
  sortKey: (item: Item) => string,
): Promise<Page<Item>> {
  return fetchPage(
    input,
    async ({ limit, after }) => sorted.filter((item) => after === undefined || sortKey(item) > after).slice(0, limit),
    sortKey,
  );
}
