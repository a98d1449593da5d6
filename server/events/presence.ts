import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Db } from '../storage';

/** A change of someone's presence: online, or offline since `lastSeenAt`. */
export interface PresenceChange {
  userId: number;
  online: boolean;
  lastSeenAt: string | null;
}

/** Who is online, across every instance. */
export interface Presence {
  /** The user's first feed on this instance opened. */
  up(userId: number): void;
  /** The user's last feed on this instance closed. */
  down(userId: number): void;
  /** Which of these users have a feed open on some instance. */
  online(ids: number[]): Promise<Set<number>>;
  close(): Promise<void>;
}

export interface PresenceOptions {
  db: Db;
  /** Shares who is online between instances; without it this instance knows its own feeds only. */
  redisUrl?: string;
  redisPrefix?: string;
  /** A feed closed and reopened within this long (a page reload) is no change (default 1 s). */
  graceMs?: number;
  /** Told once per real change, on the instance that saw it. */
  announce(change: PresenceChange): void;
  /** Where failures go (the hub's logger). */
  warn(what: string, err: unknown): void;
}

const HEARTBEAT_MS = 10_000;
const INSTANCE_TTL_MS = 30_000;

/**
 * Tracks presence: a user is online while one of their feeds is open on any
 * instance. Each instance keeps its own users in a Redis set and its liveness
 * in a sorted set of instances, so a dead instance's users go offline within
 * 30 s. Going offline waits a grace period, so a page reload is not an
 * offline/online flicker; the time it happens is kept in `chat_presence`.
 */
export function createPresence(opts: PresenceOptions): Presence {
  const { db } = opts;
  const graceMs = opts.graceMs ?? 1000;
  const here = new Set<number>();
  const leaving = new Map<number, NodeJS.Timeout>();
  const instance = randomUUID();
  const prefix = opts.redisPrefix ?? 'ipp-chat';
  const mine = `${prefix}:online:${instance}`;
  const instances = `${prefix}:instances`;
  let redisDown = false;
  const redis = opts.redisUrl ? new Redis(opts.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 }) : null;
  const failed = (err: unknown) => {
    if (!redisDown) opts.warn('presence: Redis unavailable, presence is per instance meanwhile', err);
    redisDown = true;
  };
  redis?.on('error', failed);
  redis?.on('ready', () => {
    redisDown = false;
    void beat();
  });

  /** Tells Redis this instance is alive and who is online here. */
  async function beat() {
    if (!redis || redis.status !== 'ready') return;
    try {
      const p = redis.multi().zadd(instances, Date.now() + INSTANCE_TTL_MS, instance).zremrangebyscore(instances, 0, Date.now());
      p.del(mine);
      if (here.size) p.sadd(mine, ...here).pexpire(mine, INSTANCE_TTL_MS);
      await p.exec();
    } catch (err) {
      failed(err);
    }
  }
  const heartbeat = redis ? setInterval(() => void beat(), HEARTBEAT_MS) : undefined;
  heartbeat?.unref();

  /** Users of `ids` online on the other live instances. */
  async function elsewhere(ids: number[]): Promise<Set<number>> {
    const found = new Set<number>();
    if (!redis || redis.status !== 'ready' || !ids.length) return found;
    try {
      const live = (await redis.zrangebyscore(instances, Date.now(), '+inf')).filter((i) => i !== instance);
      if (!live.length) return found;
      const p = redis.pipeline();
      for (const i of live) p.smismember(`${prefix}:online:${i}`, ...ids);
      for (const [err, flags] of (await p.exec()) ?? []) {
        if (err) throw err;
        (flags as number[]).forEach((f, k) => f && found.add(ids[k]));
      }
    } catch (err) {
      failed(err);
    }
    return found;
  }

  async function cameOnline(userId: number) {
    if (redis?.status === 'ready') await redis.multi().sadd(mine, userId).pexpire(mine, INSTANCE_TTL_MS).exec().catch(failed);
    if (!(await elsewhere([userId])).has(userId)) opts.announce({ userId, online: true, lastSeenAt: null });
  }

  async function wentOffline(userId: number) {
    if (redis?.status === 'ready') await redis.srem(mine, userId).catch(failed);
    if ((await elsewhere([userId])).has(userId)) return;
    const at = new Date();
    try {
      await db.upsert(db.t.presence, { userId, lastSeenAt: at }, db.t.presence.userId, { lastSeenAt: at });
    } catch (err) {
      opts.warn(`presence: could not record when user ${userId} left`, err);
    }
    opts.announce({ userId, online: false, lastSeenAt: at.toISOString() });
  }

  return {
    up(userId) {
      const timer = leaving.get(userId);
      if (timer) {
        // Back within the grace period (a reload): nothing changed for anyone.
        clearTimeout(timer);
        leaving.delete(userId);
        return;
      }
      here.add(userId);
      void cameOnline(userId);
    },
    down(userId) {
      leaving.set(userId, setTimeout(() => {
        leaving.delete(userId);
        here.delete(userId);
        void wentOffline(userId);
      }, graceMs));
    },
    async online(ids) {
      const found = await elsewhere(ids.filter((id) => !here.has(id)));
      for (const id of ids) if (here.has(id)) found.add(id);
      return found;
    },
    async close() {
      clearInterval(heartbeat);
      for (const t of leaving.values()) clearTimeout(t);
      leaving.clear();
      if (redis?.status === 'ready') await redis.multi().del(mine).zrem(instances, instance).exec().catch(() => undefined);
      redis?.disconnect();
    },
  };
}
