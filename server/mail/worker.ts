import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailConfig } from '../env';
import { err, type Logger } from '../log';
import { decide, pendingNotices, recordState, usersFacts, type MailState } from '../services/digest';
import { acquireLease, releaseLease } from '../services/leases';
import type { Db } from '../storage';
import { composeDigest, type Digest } from './compose';
import { buildDigests, type DigestTask } from './digest-view';

/** The lease that makes one instance at a time run the pass. */
const LEASE = 'mail';
const LEASE_MS = 5 * 60_000;
/** A pass stops starting e-mails past this, well within its lease; the rest waits for the next pass. */
const PASS_BUDGET_MS = 3 * 60_000;
/** Users decided and e-mailed together (their digests read in one go), and e-mails under way at once. */
const BATCH = 200;
const CONCURRENCY = 8;
/** A failed e-mail is tried again after 1, 2, 4… minutes, an hour at most. */
const retryDelayMs = (failures: number) => Math.min(2 ** (failures - 1), 60) * 60_000;

/** What one pass did. */
export interface PassReport {
  /** Whether this instance held the lease (another one ran the pass otherwise). */
  leased: boolean;
  sent: number;
  failed: number;
  /** Users whose messages were seen in the app, or who have no address: their mark moved on without an e-mail. */
  skipped: number;
}

/** The e-mail worker: a pass now and then, on one instance at a time. */
export interface MailWorker {
  /** One pass, as of `now`. */
  pass(now?: Date): Promise<PassReport>;
  /** Runs a pass every `everyMs` until stopped. */
  start(): void;
  /** No more passes; waits for the one under way and closes the SMTP connections. */
  stop(): Promise<void>;
}

export interface MailWorkerOptions {
  /** The storage port, with `online` attached (the event hub's answer). */
  db: Db;
  mail: MailConfig;
  logger: Logger;
  everyMs?: number;
  /** The SMTP transport (nodemailer's, on SMTP_URL, by default). */
  transport?: Transporter;
}

/** A few SMTP connections kept open through a pass, that time out rather than hold it. */
export const smtpTransport = (url: string) => nodemailer.createTransport({
  url, pool: true, maxConnections: CONCURRENCY, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
} as never);

/**
 * Builds the worker that e-mails the absent (docs/api.md, E-mail
 * notifications): each pass takes the lease, reads what every user's
 * preference covers and has not been e-mailed, and sends each user due one
 * digest, moving their high-water mark only once the SMTP server took it.
 */
export function createMailWorker(opts: MailWorkerOptions): MailWorker {
  const { db, mail, logger } = opts;
  const owner = randomUUID();
  const transport = opts.transport ?? smtpTransport(mail.smtpUrl);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function send(task: DigestTask & { through: number; state?: MailState }, digest: Digest, now: Date) {
    const { subject, text, html } = composeDigest(digest);
    const userId = task.mailbox.id;
    try {
      await transport.sendMail({
        from: mail.from, to: { name: task.mailbox.name, address: task.mailbox.email }, subject, text, html,
        list: { unsubscribe: { url: digest.unsubscribeUrl } },
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      });
    } catch (e) {
      const failures = (task.state?.failures ?? 0) + 1;
      logger.warn({ err: err(e as Error), userId, failures }, 'mail: an e-mail failed, it will be tried again');
      await recordState(db, userId, {
        notifiedThrough: task.state?.notifiedThrough ?? 0, lastSentAt: task.state?.lastSentAt ?? null,
        failures, retryAt: new Date(now.getTime() + retryDelayMs(failures)),
      });
      return false;
    }
    await recordState(db, userId, { notifiedThrough: task.through, lastSentAt: now, failures: 0, retryAt: null });
    return true;
  }

  async function pass(now = new Date()): Promise<PassReport> {
    const report: PassReport = { leased: false, sent: 0, failed: 0, skipped: 0 };
    // Without an email column in the users table, there is no one to write to.
    if (!db.users.table.hasEmail || !(await acquireLease(db, LEASE, owner, now, LEASE_MS))) return report;
    report.leased = true;
    const started = performance.now();
    try {
      const pending = await pendingNotices(db, now);
      const userIds = [...pending.keys()];
      for (let i = 0; i < userIds.length && !stopped && performance.now() - started < PASS_BUDGET_MS; i += BATCH) {
        const ids = userIds.slice(i, i + BATCH);
        const facts = await usersFacts(db, ids);
        const tasks: (DigestTask & { through: number; state?: MailState })[] = [];
        for (const id of ids) {
          const state = facts.states.get(id);
          const presence = facts.presence.get(id);
          const d = decide(pending.get(id)!, {
            now, settings: facts.settings.get(id)!, state, online: presence?.online ?? false,
            lastSeenAt: presence?.lastSeenAt ? new Date(presence.lastSeenAt) : null, mailable: facts.mailboxes.has(id),
          });
          if (d.kind === 'skip') {
            await recordState(db, id, { notifiedThrough: d.through, lastSentAt: state?.lastSentAt ?? null, failures: state?.failures ?? 0, retryAt: state?.retryAt ?? null });
            report.skipped++;
          } else if (d.kind === 'send') {
            tasks.push({ mailbox: facts.mailboxes.get(id)!, mode: d.settings.email === 'all' ? 'all' : 'mentions', notices: d.notices, through: d.through, state });
          }
        }
        const digests = await buildDigests(db, mail, tasks, now);
        let next = 0;
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tasks.length) }, async () => {
          while (next < tasks.length) {
            const k = next++;
            if (await send(tasks[k], digests[k], now)) report.sent++;
            else report.failed++;
          }
        }));
      }
    } finally {
      await releaseLease(db, LEASE, owner).catch(() => undefined);
    }
    if (report.sent || report.failed) logger.info({ ...report, ms: Math.round(performance.now() - started) }, 'mail: pass');
    return report;
  }

  const tick = () => {
    running = pass().catch((e: Error) => logger.warn({ err: err(e) }, 'mail: the pass failed, the next one will try again'))
      .finally(() => { if (!stopped) timer = setTimeout(tick, opts.everyMs ?? 60_000).unref(); });
  };

  return {
    pass,
    start() {
      if (!stopped && !timer) timer = setTimeout(tick, opts.everyMs ?? 60_000).unref();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      transport.close();
    },
  };
}
