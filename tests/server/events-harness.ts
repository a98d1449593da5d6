import { once } from 'node:events';
import { expect } from 'vitest';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '../../server/app';
import { createLimits, limitsOptions } from '../../server/limits';
import { createVerifier } from '../../server/auth';
import { parseEnv } from '../../server/env';
import { createHub, type Hub, type HubOptions } from '../../server/events/hub';
import { openDb, type Db } from '../../server/storage';
import { ALL_PERMS, HIGH_LIMITS, mint, SECRET, type TestDb } from './harness';
import { openEvents, type EventStream } from './sse-client';

/** A BFF instance served over real HTTP on a port of its own, on a shared test database. */
export interface Instance {
  url: string;
  db: Db;
  hub: Hub;
  server: ServerType;
  /** Calls the API over HTTP as a user; answers status and parsed body. */
  call(userId: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  /** Opens the event feed as a user. */
  events(userId: number, opts?: { lastEventId?: string; perms?: string[]; headers?: Record<string, string> }): Promise<EventStream>;
  /** Opens the feed and waits until this hub has it (replay done), so that nothing sent afterwards can be missed. */
  listen(userId: number, lastEventId?: string): Promise<EventStream>;
  /** Creates a group as `adminId`, expecting 201. */
  group(adminId: number, name: string, memberIds: number[]): Promise<{ id: number }>;
  /** Sends a message with a clientId of its own, expecting 201. */
  send(userId: number, roomId: number, content: string): Promise<{ id: number; content: string }>;
  close(): Promise<void>;
}

// Shared by the instances of a run: one sender's clientIds stay unique across them.
let sent = 0;

/** Starts an instance: its own pool, hub (fast keep-alive, configurable poll and Redis) and HTTP server. */
export async function startInstance(testDb: TestDb, hubOpts: Partial<HubOptions> = {}, env: Record<string, string> = {}): Promise<Instance> {
  const config = parseEnv({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, ...HIGH_LIMITS, ...env });
  const db = await openDb(config.DATABASE_URL, { usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS });
  const verify = await createVerifier(config.jwtKey, { issuer: config.CHAT_JWT_ISSUER, audience: config.CHAT_JWT_AUDIENCE });
  const hub = createHub({ db, ...hubOpts });
  // Limits counted in the same Redis as the hub's, as boot() does.
  const limits = createLimits(limitsOptions(config, { redisUrl: hubOpts.redisUrl, redisPrefix: hubOpts.redisPrefix }));
  const app = createApp({ config, db, verify, events: hub, limits });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/chat`;
  const tokens = new Map<string, Promise<string>>();
  let closed = false;
  const token = (userId: number, perms = ALL_PERMS) => {
    const key = `${userId}:${perms.join(',')}`;
    if (!tokens.has(key)) tokens.set(key, mint({ sub: String(userId), perms }));
    return tokens.get(key)!;
  };
  const inst: Instance = {
    url, db, hub, server,
    async call(userId, method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${await token(userId)}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
    async events(userId, opts = {}) {
      return openEvents(url, await token(userId, opts.perms), opts);
    },
    async listen(userId, lastEventId) {
      const before = hub.stats().subscribers;
      const s = await inst.events(userId, { lastEventId });
      await eventually(() => hub.stats().subscribers > before && hub.stats().replaying === 0, 5000, 'the subscription');
      return s;
    },
    async group(adminId, name, memberIds) {
      const res = await inst.call(adminId, 'POST', '/rooms', { type: 'group', name, memberIds });
      expect(res.status).toBe(201);
      return res.body;
    },
    async send(userId, roomId, content) {
      const res = await inst.call(userId, 'POST', `/rooms/${roomId}/messages`, { content, clientId: `sent-${++sent}` });
      expect(res.status).toBe(201);
      return res.body;
    },
    async close() {
      if (closed) return;
      closed = true;
      await hub.close();
      limits.close();
      server.close();
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      await db.close();
    },
  };
  return inst;
}

/** Polls until the condition holds (for states the API cannot await, like a hub's subscriber count). */
export async function eventually(test: () => boolean | Promise<boolean>, timeout = 5000, what = 'the condition'): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
