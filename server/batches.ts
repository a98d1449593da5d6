import DataLoader from 'dataloader';

/**
 * A DataLoader that caches nothing and runs one batch at a time: the loads
 * asked for while a batch is under way wait for it to end, then go together
 * in the next one (an idle loader runs on the next turn of the event loop).
 * A load is thus always read after it was asked, never answered by a read
 * that began before, and a burst of requests costs a few statements, not one
 * each. Keys may repeat within a batch: `load` answers each of them.
 */
export function serialBatches<K, V>(load: DataLoader.BatchLoadFn<K, V>, maxBatchSize = 1000): DataLoader<K, V> {
  let inFlight = 0;
  const queued: (() => void)[] = [];
  return new DataLoader<K, V>(async (keys) => {
    inFlight++;
    try {
      return await load(keys);
    } finally {
      if (--inFlight === 0) for (const dispatch of queued.splice(0)) dispatch();
    }
  }, { cache: false, maxBatchSize, batchScheduleFn: (run) => (inFlight ? queued.push(run) : setImmediate(run)) });
}
