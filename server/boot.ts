import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { join } from 'node:path';
import { createDemoUsers, seedDemo } from '../demo/seed';
import { createApp, hubObserver, limitsObserver } from './app';
import { createVerifier } from './auth';
import type { Config } from './env';
import { createHub } from './events/hub';
import { createLimits, limitsOptions } from './limits';
import { createLogger, type Logger } from './log';
import { createMailWorker } from './mail/worker';
import { createMetrics } from './metrics';
import { STAGING } from './services/uploads';
import { migrateDb, openDb } from './storage';
import { webhooksFrom, type WebhookTuning } from './webhooks/dispatcher';

/** What a test or a benchmark may change: the logger, the webhooks' pace. */
export interface BootOptions {
  logger?: Logger;
  webhooks?: Partial<WebhookTuning>;
}

/**
 * Everything the server needs before it listens: the database (prepared and
 * seeded in demo mode, checked otherwise), the token verifier, the event hub
 * and the app. index.ts serves it; tests and benchmarks boot it the same way.
 */
export async function boot(config: Config, opts: BootOptions = {}) {
  // JSON lines on stdout, human-readable ones in demo mode.
  const logger = opts.logger ?? createLogger({ level: config.LOG_LEVEL, pretty: config.CHAT_DEMO });
  const metrics = createMetrics({ processMetrics: true });
  if (config.CHAT_DEMO) {
    await createDemoUsers(config.DATABASE_URL);
    await migrateDb(config.DATABASE_URL);
  }
  const db = await openDb(config.DATABASE_URL, { usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS });
  try {
    await db.ping();
    await db.orm.select({ id: db.t.rooms.id }).from(db.t.rooms).limit(1)
      .catch(() => { throw new Error('the chat tables are missing: run `npm run db:migrate` first'); });
    // Uploads cut short by a crash left their staged files here.
    await rm(join(config.UPLOAD_DIR, STAGING), { recursive: true, force: true });
    if (config.CHAT_DEMO) await seedDemo(db, config.UPLOAD_DIR);
  } catch (err) {
    await db.close();
    throw err;
  }
  const verify = await createVerifier(config.jwtKey, { issuer: config.CHAT_JWT_ISSUER, audience: config.CHAT_JWT_AUDIENCE });
  // Instances on the same database share Redis channels and counters; another database (staging, a test run) does not hear them.
  const shared = { redisUrl: config.REDIS_URL, redisPrefix: `ipp-chat:${db.name}` };
  const events = createHub({ db, ...shared, pruneEveryMs: 10 * 60_000, logger, observe: hubObserver(metrics) });
  const limits = createLimits({ ...limitsOptions(config, shared), logger, observe: limitsObserver(metrics) });
  const webhooks = webhooksFrom(config, db, {
    logger,
    observe: { attempt: (outcome) => metrics.webhooksSent.inc({ outcome }), waiting: (n) => metrics.webhookQueue.set(n) },
  }, opts.webhooks);
  const app = createApp({ config, db, verify, events, limits, logger, metrics, webhooks });
  await webhooks?.start();
  // E-mail for the absent (SMTP_URL): a pass a minute, on one instance at a time.
  const mailer = config.mail ? createMailWorker({ db: { ...db, online: (ids) => events.online(ids) }, mail: config.mail, logger }) : null;
  mailer?.start();
  return {
    app,
    logger,
    /** Ends the event streams (they never end by themselves; clients reconnect elsewhere). */
    endStreams: () => events.close(),
    /** Ends the streams, then closes the database. */
    async close() {
      await webhooks?.stop();
      await mailer?.stop();
      await events.close();
      limits.close();
      await db.close();
    },
  };
}

/**
 * Slow clients cannot hold the server: headers must arrive within 15 s and a
 * whole request (a 25 MB upload on a slow line included) within 10 minutes.
 * Responses, event streams included, are not limited.
 */
export const SERVER_OPTIONS = { headersTimeout: 15_000, requestTimeout: 600_000, keepAliveTimeout: 5_000 };

/** Boots the app and serves it; port 0 picks a free one. */
export async function listen(config: Config, port = config.PORT, host = config.HOST, opts: BootOptions = {}) {
  const { app, endStreams, close, logger } = await boot(config, opts);
  const server = serve({ fetch: app.fetch, port, hostname: host, serverOptions: SERVER_OPTIONS }) as import('node:http').Server;
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    logger,
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    /** Graceful stop: no new connections, event streams ended, requests under way finished. */
    async close() {
      const finished = new Promise((resolve) => server.close(resolve));
      await endStreams();
      server.closeIdleConnections();
      await finished;
      await close();
    },
  };
}
