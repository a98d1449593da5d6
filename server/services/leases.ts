import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../storage';

/**
 * Takes the lease of a job that one run at a time does, for `ms` from `now`
 * unless given back sooner: resolves whether `owner` got it. One conditional
 * UPDATE decides between runs racing for it, on one instance or several
 * (the row is locked while it runs).
 */
export async function acquireLease(db: Db, name: string, owner: string, now: Date, ms: number): Promise<boolean> {
  const { leases } = db.t;
  await db.insertIgnore(leases, [{ name, owner: '', until: new Date(0) }]);
  const result = await db.orm.update(leases).set({ owner, until: new Date(now.getTime() + ms) })
    .where(and(eq(leases.name, name), lt(leases.until, now)));
  return db.affected(result) === 1;
}

/** Gives a held lease back, so that any instance may run the job next. */
export async function releaseLease(db: Db, name: string, owner: string): Promise<void> {
  const { leases } = db.t;
  await db.orm.update(leases).set({ until: new Date(0) }).where(and(eq(leases.name, name), eq(leases.owner, owner)));
}
