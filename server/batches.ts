import DataLoader from 'dataloader';

/** How serialBatches groups its loads. */
export interface BatchOptions {
  maxBatchSize?: number;
  /**
   * The least time between the starts of two batches, or that time as a
   * function of how many keys the last batch read (a spacing that grows with
   * the batches waits long only while loads pour in). During a burst, loads
   * gather that long before they are read together; a lone load after a
   * quiet moment is read at once.
   */
  spacingMs?: number | ((lastBatchSize: number) => number);
}

/**
 * A DataLoader that caches nothing and runs one batch at a time: the loads
 * asked for while a batch is under way wait for it to end, then go together
 * in the next one (an idle loader runs on the next turn of the event loop, or
 * once `spacingMs` has passed since the last batch began). A load is thus
 * always read after it was asked, never answered by a read that began before,
 * and a burst of requests costs a few statements, not one each. Keys may
 * repeat within a batch: `load` answers each of them.
 */
export function serialBatches<K, V>(load: DataLoader.BatchLoadFn<K, V>, { maxBatchSize = 1000, spacingMs = 0 }: BatchOptions = {}): DataLoader<K, V> {
  let inFlight = 0;
  let startedAt = -Infinity;
  let lastSize = 0;
  const spacing = typeof spacingMs === 'function' ? spacingMs : () => spacingMs;
  const queued: (() => void)[] = [];
  const schedule = (run: () => void) => {
    const wait = startedAt + spacing(lastSize) - performance.now();
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  };
  return new DataLoader<K, V>(async (keys) => {
    inFlight++;
    startedAt = performance.now();
    lastSize = keys.length;
    try {
      return await load(keys);
    } finally {
      if (--inFlight === 0 && queued.length) {
        const waiting = queued.splice(0);
        schedule(() => { for (const dispatch of waiting) dispatch(); });
      }
    }
  }, { cache: false, maxBatchSize, batchScheduleFn: (run) => (inFlight ? queued.push(run) : schedule(run)) });
}
