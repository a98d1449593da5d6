import { afterEach, describe, expect, it, vi } from 'vitest';
import { serialBatches, type BatchOptions } from '../../server/batches';

/** A loader that records its batches and answers each key doubled, once `release` is called for that batch. */
function recording(spacingMs?: BatchOptions['spacingMs']) {
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

  it('with a spacing that grows with the batches, waits longer after a big batch than after a small one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    const { loader, batches, release } = recording((size) => 10 * size);
    const answered: Promise<number>[] = [];
    // A batch of one: the next waits 10 ms from its start.
    answered.push(loader.load(1));
    await vi.advanceTimersByTimeAsync(0);
    release();
    answered.push(loader.load(2), loader.load(3), loader.load(4));
    await vi.advanceTimersByTimeAsync(9);
    expect(batches).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    release();
    // A batch of three: the next waits 30 ms from its start.
    answered.push(loader.load(5));
    await vi.advanceTimersByTimeAsync(29);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
    release();
    expect(await Promise.all(answered)).toEqual([2, 4, 6, 8, 10]);
  });
});
