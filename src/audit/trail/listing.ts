import { join } from 'node:path';
import { DIGESTS_DIRECTORY, segmentOfDigestFileName } from './digest.js';
import { type AuditFiles, listDirectory } from './files.js';
import { isSegmentName } from './segment-format.js';

export interface TrailListing {
  /** Segment file names, in sequence order. */
  readonly segments: readonly string[];
  /** Names of the segments that have a digest file (whether or not the segment itself is still there). */
  readonly digested: ReadonlySet<string>;
}

/** The trail's segments and digests; anything else in the directories (temporary files, the probe) is not. */
export async function listTrail(files: AuditFiles, dir: string): Promise<TrailListing> {
  const segments = (await listDirectory(files, dir)).filter(isSegmentName).sort();
  const digested = (await listDirectory(files, join(dir, DIGESTS_DIRECTORY)))
    .map(segmentOfDigestFileName)
    .filter((name): name is string => name !== undefined && isSegmentName(name));
  return { segments, digested: new Set(digested) };
}
