import type { Config } from '../env';
import type { Logger } from '../log';
import type { Db } from '../storage';
import { claimDue, ensureCursor, markDelivered, markFailed, pendingCount, pruneDeliveries, queueEvents, type Claimed } from './queue';
import { sign, SIGNATURE_HEADER } from './signature';

/** How the dispatcher paces itself; the defaults suit production, tests shorten them. */
export interface WebhookTuning {
  /** How often the database is looked at when nothing wakes the dispatcher (another instance's messages). */
  pollMs: number;
  /** How long a claimed delivery is this instance's before another may try it (past the request timeout). */
  leaseMs: number;
  /** A receiver that has not answered in this long has failed this attempt. */
  timeoutMs: number;
  /** The wait before attempt n + 1, after n failed attempts. */
  backoffMs: (attempts: number) => number;
  /** How long after its message a delivery is still tried (24 hours). */
  retryForMs: number;
  /** Deliveries posted at once. */
  batch: number;
}

/** 10 s, 30 s, 1 min, 5 min, 15 min, 30 min, then every hour. */
const BACKOFF_S = [10, 30, 60, 300, 900, 1800, 3600];

export const DEFAULT_TUNING: WebhookTuning = {
  pollMs: 1000,
  leaseMs: 60_000,
  timeoutMs: 10_000,
  backoffMs: (n) => BACKOFF_S[Math.min(n, BACKOFF_S.length) - 1] * 1000,
  retryForMs: 24 * 3600_000,
  batch: 20,
};

/** Finished deliveries are kept this long (for looking at what was sent), then deleted. */
const KEEP_MS = 7 * 24 * 3600_000;

export interface WebhookOptions extends Partial<WebhookTuning> {
  db: Db;
  url: string;
  secret: string;
  /** The bots' user ids: a message in a room of theirs, or naming them, is posted. */
  bots: number[];
  logger?: Logger;
  /** Counts for the metrics: each attempt's outcome, and the deliveries waiting after a pass that did something. */
  observe?: { attempt(outcome: 'delivered' | 'failed'): void; waiting(n: number): void };
}

/** The outgoing webhooks' worker: started once per instance, stopped on shutdown. */
export interface Webhooks {
  /** Makes the cursor if needed, then works until stopped. */
  start(): Promise<void>;
  /** Looks at the database now (a message was committed here). */
  wake(): void;
  /** One pass: queues new events and posts the due deliveries; resolves whether more work waits. */
  runOnce(): Promise<boolean>;
  /** Stops, after the posts under way. */
  stop(): Promise<void>;
}

/** The dispatcher a configuration asks for (CHAT_WEBHOOK_*), or null without one. */
export function webhooksFrom(
  config: Config, db: Db, extra: Pick<WebhookOptions, 'logger' | 'observe'> = {}, tuning: Partial<WebhookTuning> = {},
): Webhooks | null {
  if (!config.CHAT_WEBHOOK_URL || !config.CHAT_WEBHOOK_SECRET) return null;
  return createWebhooks({ db, url: config.CHAT_WEBHOOK_URL, secret: config.CHAT_WEBHOOK_SECRET, bots: config.CHAT_WEBHOOK_USERS, ...extra, ...tuning });
}

/**
 * Posts every message a bot must hear of to the webhook URL, signed, at
 * least once: from the database (server/webhooks/queue.ts), retried with
 * back-off on a non-2xx answer or a timeout, one instance per delivery.
 */
export function createWebhooks(opts: WebhookOptions): Webhooks {
  const tune = { ...DEFAULT_TUNING, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as WebhookTuning & WebhookOptions;
  const { db, logger } = opts;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | null = null;
  let again = false;
  let prunedAt = 0;

  async function post(c: Claimed): Promise<void> {
    let error: string | null = null;
    try {
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: sign(opts.secret, c.body), 'User-Agent': 'ipp-chat-webhooks/1' },
        body: c.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(tune.timeoutMs),
      });
      await res.body?.cancel().catch(() => {});
      if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? 'timeout' : String((err as { cause?: Error }).cause?.message ?? (err as Error).message);
    }
    opts.observe?.attempt(error ? 'failed' : 'delivered');
    if (!error) return markDelivered(db, c);
    const next = Date.now() + tune.backoffMs(c.attempts);
    const giveUp = next > c.createdAt.getTime() + tune.retryForMs;
    logger?.warn({ webhook: c.id, attempts: c.attempts, error, retry: !giveUp }, 'webhook delivery failed');
    await markFailed(db, c, error, giveUp ? null : new Date(next));
  }

  async function runOnce(): Promise<boolean> {
    const queued = await queueEvents(db, opts.bots);
    const claimed = await claimDue(db, tune.leaseMs, tune.batch);
    await Promise.all(claimed.map(post));
    if (opts.observe && (queued.events || claimed.length)) opts.observe.waiting(await pendingCount(db));
    if (Date.now() - prunedAt > 3600_000) {
      prunedAt = Date.now();
      await pruneDeliveries(db, new Date(Date.now() - KEEP_MS));
    }
    return queued.more || claimed.length === tune.batch;
  }

  function tick() {
    if (stopped) return;
    if (current) {
      again = true;
      return;
    }
    clearTimeout(timer);
    current = runOnce().then((more) => more, (err) => {
      logger?.error({ err }, 'webhook dispatcher failed; trying again');
      return false;
    }).then((more) => {
      current = null;
      if (stopped) return;
      if (more || again) {
        again = false;
        setImmediate(tick);
      } else timer = setTimeout(tick, tune.pollMs);
    });
  }

  return {
    async start() {
      await ensureCursor(db);
      stopped = false;
      tick();
    },
    wake: tick,
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
