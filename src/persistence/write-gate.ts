import { AsyncLocalStorage } from 'node:async_hooks';
import { needs } from '../shared/needs.js';
import { MutationCommitFailed } from './port.js';

/** How an adapter opens, commits and abandons the one transaction a mutation's writes go into. */
export interface MutationTransaction {
  begin(): void;
  /** Throws when the commit did not happen. */
  commit(): void;
  /** Safe to call whatever state the transaction is in. */
  rollback(): void;
}

interface OpenMutation {
  open: boolean;
}

/**
 * The writer side of an adapter: one writer at a time, in arrival order, so a mutation that awaits between
 * its writes keeps every other caller's writes out of its transaction. The mutation's own calls (and only
 * they) are recognised through AsyncLocalStorage and run inside it, rather than wait for the turn it holds.
 */
export class WriteGate {
  private queue: Promise<void> = Promise.resolve();
  /** Writers queued or running, an open mutation included. */
  private waiting = 0;
  private readonly mutations = new AsyncLocalStorage<OpenMutation>();

  constructor(private readonly transaction: MutationTransaction) {}

  /** Whether the caller runs inside this gate's mutation and that mutation is still open. */
  inMutation(): boolean {
    return this.mutations.getStore()?.open === true;
  }

  /**
   * One change: inside an open mutation it joins it; otherwise it runs once the writers before it are done,
   * which is at once (before this returns, as a synchronous adapter did before mutations) when there are none.
   */
  async write<T>(change: () => T): Promise<T> {
    if (this.inMutation() || this.waiting === 0) return change();
    return this.inTurn(async () => change());
  }

  async mutation<T>(work: () => Promise<T>, beforeCommit: (result: T) => Promise<void>): Promise<T> {
    needs(!this.inMutation(), 'mutations do not nest');
    return this.inTurn(async () => {
      const result = await this.runOpen(async () => {
        const result = await work();
        await beforeCommit(result);
        return result;
      });
      try {
        this.transaction.commit();
      } catch (cause) {
        this.transaction.rollback();
        throw new MutationCommitFailed('the mutation could not be committed; none of its writes happened', {
          cause,
        });
      }
      return result;
    });
  }

  /**
   * Runs `body` inside an open transaction, rolled back if it throws. Closed afterwards, so a call that `body`
   * started without awaiting and that arrives late waits its turn instead of joining a finished transaction.
   */
  private async runOpen<T>(body: () => Promise<T>): Promise<T> {
    const mutation: OpenMutation = { open: true };
    this.transaction.begin();
    try {
      return await this.mutations.run(mutation, body);
    } catch (error) {
      this.transaction.rollback();
      throw error;
    } finally {
      mutation.open = false;
      // Tracking async context costs every promise of the process something; only a mutation needs it, and
      // mutations run one at a time, so it is switched off between them (the next `run` switches it on).
      this.mutations.disable();
    }
  }

  private inTurn<T>(task: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const done = this.queue.then(task);
    const finished = () => {
      this.waiting -= 1;
    };
    this.queue = done.then(finished, finished);
    return done;
  }
}
