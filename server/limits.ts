import { Redis } from 'ioredis';
import type { Config } from './env';
import type { Logger } from './log';
import { rateLimited } from './services/errors';

/** How much one user may do; 0 means no limit. */
export interface LimitsOptions {
  /** Messages sent (with or without files) per user per minute. */
  messagesPerMinute: number;
  /** Messages with files per user per minute. */
  uploadsPerMinute: number;
  /** Multipart sends of one user being received at the same time, per instance. */
  concurrentUploads: number;
  /** Open event streams per user, per instance. */
  streamsPerUser: number;
  /** Host calls (POST /host/messages) per sending service account per minute (absent or 0: none). */
  hostMessagesPerMinute?: number;
  /** Conversation exports started per user per minute (0: no limit); at most CONCURRENT_EXPORTS at once per instance. */
  exportsPerMinute?: number;
  /** When set, the per-minute counters are shared by every instance through Redis. */
  redisUrl?: string;
  /** Key prefix in Redis: instances on the same database share it (see redisPrefix). */
  redisPrefix?: string;
  /** Where a Redis outage is logged (once); stderr otherwise. */
  logger?: Logger;
  /** Counters for the metrics (server/metrics.ts): each refusal by reason, each Redis error. */
  observe?: { refused(reason: string): void; redisError(): void };
}

/** The rate limits of the API, keyed on the token's user id (never on a client-supplied address). */
export interface Limits {
  /**
   * Counts a message of the user, and with files an upload too, holding one
   * of their upload slots until `release()`; throws a 429 problem past a limit.
   */
  send(userId: number, withFiles: boolean): Promise<() => void>;
  /** Counts a host call posting as this service account; throws a 429 problem past the limit. */
  host(senderId: number): Promise<void>;
  /** Holds one of the user's stream slots until `release()`; throws 429 when all are taken. */
  stream(userId: number): () => void;
  /**
   * Counts an export of the user, holding one of their export slots until
   * `release()` (the file is sent); throws 429 past the per-minute limit or
   * when all slots are taken.
   */
  export(userId: number): Promise<() => void>;
  /** Counts a typing signal of the user in a room: one a second; throws 429 past it. */
  typing(userId: number, roomId: number): Promise<void>;
  /** Whether the shared counters' Redis answers; null when Redis is not configured. */
  redis(): Promise<'ok' | 'error' | null>;
  close(): void;
}

const MINUTE = 60_000;
/** One typing signal per user and room per this long. */
const TYPING_MS = 1000;
/** Multipart sends one user may have under way at once on one instance. */
export const CONCURRENT_UPLOADS = 3;
/** Exports one user may have being written at once on one instance (each reads a whole room). */
export const CONCURRENT_EXPORTS = 2;

/** The limits a configuration asks for; `redis` adds the shared counters (boot.ts passes REDIS_URL and the prefix). */
export const limitsOptions = (config: Config, redis: { redisUrl?: string; redisPrefix?: string } = {}): LimitsOptions => ({
  messagesPerMinute: config.CHAT_RATE_MESSAGES,
  uploadsPerMinute: config.CHAT_RATE_UPLOADS,
  concurrentUploads: CONCURRENT_UPLOADS,
  streamsPerUser: config.CHAT_MAX_STREAMS,
  hostMessagesPerMinute: config.CHAT_RATE_HOST_MESSAGES,
  exportsPerMinute: config.CHAT_RATE_EXPORTS,
  ...redis,
});

// Atomic fixed window: the first hit of a window starts its clock.
const WINDOW_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

type RedisWithWindow = Redis & { window(key: string, ms: number): Promise<[number, number]> };


/**
 * Builds the limits. Per-minute counters live in Redis when it is configured
 * and answers, and in this process otherwise (each instance then applies the
 * limit on its own). Concurrent uploads and open streams hold this instance's
 * resources, so they are counted here.
 */
export function createLimits(opts: LimitsOptions): Limits {
  const local = new Map<string, { n: number; resetAt: number }>();
  const held = new Map<string, number>();
  let down = false;
  const failed = (err: unknown) => {
    opts.observe?.redisError();
    if (down) return;
    down = true;
    const text = `ipp-chat limits: Redis unavailable, rate limits are per instance meanwhile: ${err instanceof Error ? err.message : err}`;
    if (opts.logger) opts.logger.error(text);
    else console.error(text);
  };
  let redis: RedisWithWindow | null = null;
  if (opts.redisUrl) {
    // No offline queue and a short timeout: when Redis is down or slow, the local counter decides at once.
    redis = new Redis(opts.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 }) as RedisWithWindow;
    redis.defineCommand('window', { numberOfKeys: 1, lua: WINDOW_SCRIPT });
    redis.on('error', failed);
    redis.on('ready', () => { down = false; });
  }
  const prefix = `${opts.redisPrefix ?? 'ipp-chat'}:rate`;
  const tooMany = (what: string, reason: string, waitMs: number) => {
    opts.observe?.refused(reason);
    return rateLimited(`Too many ${what}: try again in ${Math.ceil(waitMs / 1000)} s.`, reason, waitMs / 1000);
  };

  /** One hit on a counter of `windowMs` (a minute): 0 when under max, else the ms until the window ends. */
  async function hit(name: string, key: string | number, max: number, windowMs = MINUTE): Promise<number> {
    if (!max) return 0;
    key = `${name}:${key}`;
    if (redis?.status === 'ready') {
      try {
        const [n, ttl] = await redis.window(`${prefix}:${key}`, windowMs);
        return n > max ? Math.max(1, ttl) : 0;
      } catch (err) {
        failed(err);
      }
    }
    const now = Date.now();
    if (local.size > 10_000) for (const [k, w] of local) if (w.resetAt <= now) local.delete(k);
    let w = local.get(key);
    if (!w || w.resetAt <= now) local.set(key, (w = { n: 0, resetAt: now + windowMs }));
    return ++w.n > max ? w.resetAt - now : 0;
  }

  /** Takes one of `max` slots of a user, or null when all are taken. */
  function hold(name: string, userId: number, max: number): (() => void) | null {
    const key = `${name}:${userId}`;
    const n = held.get(key) ?? 0;
    if (max && n >= max) return null;
    held.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (held.get(key) ?? 1) - 1;
      if (left > 0) held.set(key, left);
      else held.delete(key);
    };
  }

  return {
    async send(userId, withFiles) {
      let release = () => {};
      if (withFiles) {
        const slot = hold('uploads', userId, opts.concurrentUploads);
        if (!slot) throw tooMany(`uploads at the same time (at most ${opts.concurrentUploads})`, 'concurrent-uploads', 1000);
        release = slot;
        const wait = await hit('uploads', userId, opts.uploadsPerMinute);
        if (wait) {
          release();
          throw tooMany(`messages with files (at most ${opts.uploadsPerMinute} a minute)`, 'uploads', wait);
        }
      }
      const wait = await hit('messages', userId, opts.messagesPerMinute);
      if (wait) {
        release();
        throw tooMany(`messages (at most ${opts.messagesPerMinute} a minute)`, 'messages', wait);
      }
      return release;
    },
    async host(senderId) {
      const max = opts.hostMessagesPerMinute ?? 0;
      const wait = await hit('host', senderId, max);
      if (wait) throw tooMany(`host messages from this sender (at most ${max} a minute)`, 'host-messages', wait);
    },
    stream(userId) {
      const release = hold('streams', userId, opts.streamsPerUser);
      if (!release) throw tooMany(`open event streams (at most ${opts.streamsPerUser}); close another one`, 'streams', 3000);
      return release;
    },
    async export(userId) {
      const release = hold('exports', userId, CONCURRENT_EXPORTS);
      if (!release) throw tooMany(`exports at the same time (at most ${CONCURRENT_EXPORTS})`, 'concurrent-exports', 3000);
      const wait = await hit('exports', userId, opts.exportsPerMinute ?? 0);
      if (wait) {
        release();
        throw tooMany(`exports (at most ${opts.exportsPerMinute} a minute)`, 'exports', wait);
      }
      return release;
    },
    async typing(userId, roomId) {
      const wait = await hit('typing', `${userId}:${roomId}`, 1, TYPING_MS);
      if (wait) throw tooMany('typing signals (one a second per room)', 'typing', wait);
    },
    async redis() {
      if (!redis) return null;
      return redis.ping().then(() => 'ok' as const, () => 'error' as const);
    },
    close() {
      redis?.disconnect();
    },
  };
}
