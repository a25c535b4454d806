/**
 * Runs `work` so that its writes commit only after `beforeCommit(result)` resolves (the persistence port's
 * `mutation`); if either throws, nothing is written. Rejects with MutationCommitFailed when the commit itself
 * fails after `beforeCommit` succeeded.
 */
export type MutationRunner = <T>(work: () => Promise<T>, beforeCommit: (result: T) => Promise<void>) => Promise<T>;

/** The commit failed after beforeCommit succeeded: the change did not happen. */
export class MutationCommitFailed extends Error {
  override readonly name = 'MutationCommitFailed';
}
