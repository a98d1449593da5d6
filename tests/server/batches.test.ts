import { afterEach, describe, expect, it, vi } from 'vitest';
import { serialBatches } from '../../server/batches';

/** A loader that records its batches and answers each key doubled, once `release` is called for that batch. */
function recording(spacingMs?: number) {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const loader = serialBatches<number, number>((keys) => {
    batches.push([...keys]);
    return new Promise((resolve) => pending.push(() => resolve(keys.map((k) => k * 2))));
  }, { spacingMs });
  return { loader, batches, release: () => pending.shift()?.() };
}

describe('serialBatches', () => {
  afterEach(() => vi.useRealTimers());

  it('reads what is asked during a batch together afterwards, never in the batch under way', async () => {
    const { loader, batches, release } = recording();
    const first = loader.load(1);
    await new Promise((r) => setImmediate(r));
    const later = [loader.load(2), loader.load(3), loader.load(2)];
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    release();
    expect(await first).toBe(2);
    await vi.waitFor(() => expect(batches).toEqual([[1], [2, 3, 2]]));
    release();
    expect(await Promise.all(later)).toEqual([4, 6, 4]);
  });

  it('with a spacing, gathers a burst until that long after the last batch began, and reads a lone load at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    const { loader, batches, release } = recording(50);
    const first = loader.load(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[1]]);
    release();
    await first;
    // The first batch ended at once: what comes within 50 ms of its start waits for company.
    const burst = [loader.load(2)];
    await vi.advanceTimersByTimeAsync(20);
    burst.push(loader.load(3));
    await vi.advanceTimersByTimeAsync(20);
    expect(batches).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toEqual([[1], [2, 3]]);
    release();
    expect(await Promise.all(burst)).toEqual([4, 6]);
    // After a quiet moment, a load is read on the next turn.
    await vi.advanceTimersByTimeAsync(500);
    const lone = loader.load(4);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[1], [2, 3], [4]]);
    release();
    expect(await lone).toBe(8);
  });
});
