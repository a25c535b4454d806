import type { KeyUsage } from '../shared/key-usage.js';
import type { KeyUsageStore } from './key-usage-port.js';

const later = (a: KeyUsage | undefined, b: KeyUsage | undefined) =>
  a === undefined || (b !== undefined && b.timestamp >= a.timestamp) ? b : a;

/**
 * Gathers key-usage updates and writes them at most every `flushMillis`: every worker writing the shared file
 * after each audit batch made them wait on each other's write lock, which cost a tenth of Encrypt's throughput.
 * This process sees its own pending updates at once; other processes see them within `flushMillis`. A crash
 * may lose the pending ones: the trail they come from is the durable record.
 */
export function withBufferedKeyUsage(inner: KeyUsageStore, flushMillis = 100): KeyUsageStore {
  let pending = new Map<string, KeyUsage>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    timer = undefined;
    const batch = [...pending.values()];
    pending = new Map();
    flushing = flushing.then(() => inner.record(batch)).catch(() => undefined);
    return flushing;
  }

  return {
    async record(usages) {
      for (const usage of usages) pending.set(usage.keyId, later(pending.get(usage.keyId), usage) as KeyUsage);
      if (timer === undefined && pending.size > 0) {
        timer = setTimeout(() => void flush(), flushMillis);
        timer.unref();
      }
    },
    async find(keyId) {
      return later(await inner.find(keyId), pending.get(keyId));
    },
    async close() {
      clearTimeout(timer);
      await flush();
      await inner.close();
    },
  };
}
