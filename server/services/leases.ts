import { and, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../storage';

/**
 * Takes (or renews) the lease of a job that one instance at a time runs, for
 * `ms` from `now`: resolves whether this owner holds it. One conditional
 * UPDATE decides between instances racing for it (the row is locked while it runs).
 */
export async function acquireLease(db: Db, name: string, owner: string, now: Date, ms: number): Promise<boolean> {
  const { leases } = db.t;
  await db.insertIgnore(leases, [{ name, owner: '', until: new Date(0) }]);
  const result = await db.orm.update(leases).set({ owner, until: new Date(now.getTime() + ms) })
    .where(and(eq(leases.name, name), or(eq(leases.owner, owner), lt(leases.until, now))));
  return db.affected(result) === 1;
}

/** Gives a held lease back, so that any instance may run the job next. */
export async function releaseLease(db: Db, name: string, owner: string): Promise<void> {
  const { leases } = db.t;
  await db.orm.update(leases).set({ until: new Date(0) }).where(and(eq(leases.name, name), eq(leases.owner, owner)));
}
