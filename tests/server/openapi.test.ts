import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { createVerifier } from '../../server/auth';
import { openDb } from '../../server/storage';
import { DIALECTS, startServer, type TestServer } from './harness';

/** The REST routes of the README's API table. */
const CONTRACT: [string, string][] = [
  ['get', '/me'],
  ['get', '/users'],
  ['get', '/rooms'],
  ['post', '/rooms'],
  ['get', '/rooms/{id}'],
  ['patch', '/rooms/{id}'],
  ['delete', '/rooms/{id}'],
  ['get', '/channels'],
  ['post', '/rooms/{id}/join'],
  ['post', '/rooms/{id}/members'],
  ['patch', '/rooms/{id}/members/{userId}'],
  ['delete', '/rooms/{id}/members/{userId}'],
  ['patch', '/rooms/{id}/me'],
  ['get', '/rooms/{id}/messages'],
  ['post', '/rooms/{id}/messages'],
  ['patch', '/messages/{id}'],
  ['delete', '/messages/{id}'],
  ['post', '/rooms/{id}/read'],
  ['get', '/search'],
  ['get', '/health'],
];

interface Operation {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
}
interface JsonSchema { type?: string; properties?: Record<string, unknown>; required?: string[]; oneOf?: JsonSchema[]; anyOf?: JsonSchema[] }
interface OpenApi { openapi: string; info: { title: string }; paths: Record<string, Record<string, Operation>> }

describe.each(DIALECTS)('the API description and health on %s', (dialect) => {
  let server: TestServer;
  let doc: OpenApi;
  beforeAll(async () => {
    server = await startServer(dialect, { METRICS_TOKEN: 'openapi-test-token' });
    const res = await server.app.request('/api/chat/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = await res.json();
  });
  afterAll(() => server?.close());

  /** The operation documented for a path of the README's table, whether the document prefixes /api/chat or not. */
  const operation = (method: string, path: string): Operation | undefined =>
    (doc.paths[`/api/chat${path}`] ?? doc.paths[path])?.[method];

  /** The JSON body schema of an operation, its variants flattened. */
  const jsonBody = (op: Operation | undefined): JsonSchema[] => {
    const schema = op?.requestBody?.content['application/json']?.schema;
    return schema ? schema.oneOf ?? schema.anyOf ?? [schema] : [];
  };

  it('is an OpenAPI 3.1 document served without a token', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toEqual(expect.any(String));
  });

  it('is valid OpenAPI 3.1 by its JSON schema, and redocly lints it without an error or a warning', async () => {
    const validity = await new Validator().validate(doc as never);
    expect(validity.errors ?? []).toEqual([]);
    expect(validity.valid).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'ippchat-openapi-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
      // The repository's redocly.yaml: the recommended rules, two of them off for reasons it gives.
      const { stdout } = await promisify(execFile)(process.execPath, [cli, 'lint', join(dir, 'openapi.json'), '--format=json', '--config', 'redocly.yaml'],
        { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch((err) => err);
      const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
      expect(report.problems.map((p: { ruleId: string; message: string }) => `${p.ruleId}: ${p.message}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('declares its servers, and the routes that take no token', () => {
    expect((doc as unknown as { servers: unknown[] }).servers.length).toBeGreaterThan(0);
    const security = (method: string, path: string) => (doc.paths[path]?.[method] as { security?: unknown[] } | undefined)?.security;
    expect(security('get', '/api/chat/health')).toEqual([]);
    expect(security('get', '/api/chat/openapi.json')).toEqual([]);
    expect(security('get', '/ipp-chat.js')).toEqual([]);
    expect(security('get', '/api/chat/rooms')).toEqual([{ bearer: [] }]);
    expect(security('get', '/metrics')).toEqual([{ metricsToken: [] }]);
  });

  it.each(CONTRACT)('documents %s %s', (method, path) => {
    const op = operation(method, path);
    expect(op, `${method.toUpperCase()} ${path} is missing`).toBeDefined();
    expect(Object.keys(op!.responses).length).toBeGreaterThan(0);
    for (const name of path.match(/(?<=\{)\w+(?=\})/g) ?? []) {
      expect(op!.parameters).toContainEqual(expect.objectContaining({ in: 'path', name, required: true }));
    }
  });

  it('describes the body of a new room, direct or group', () => {
    const variants = jsonBody(operation('post', '/rooms'));
    const fields = variants.map((v) => Object.keys(v.properties ?? {}).sort());
    expect(fields).toContainEqual(['type', 'userId']);
    expect(fields).toContainEqual(['memberIds', 'name', 'type']);
  });

  it('describes the body of a new message, with its required content and clientId', () => {
    const [body] = jsonBody(operation('post', '/rooms/{id}/messages'));
    expect(Object.keys(body?.properties ?? {})).toEqual(expect.arrayContaining(['content', 'clientId', 'replyToId']));
    expect(body.required).toEqual(expect.arrayContaining(['content', 'clientId']));
  });

  it('describes the bodies of edits, read markers, roles and mute', () => {
    expect(Object.keys(jsonBody(operation('patch', '/messages/{id}'))[0]?.properties ?? {})).toEqual(['content']);
    expect(Object.keys(jsonBody(operation('post', '/rooms/{id}/read'))[0]?.properties ?? {})).toEqual(['messageId']);
    expect(Object.keys(jsonBody(operation('patch', '/rooms/{id}/members/{userId}'))[0]?.properties ?? {})).toEqual(['role']);
    expect(Object.keys(jsonBody(operation('patch', '/rooms/{id}/me'))[0]?.properties ?? {})).toEqual(['muted']);
  });

  it('describes the page and search queries', () => {
    const query = (method: string, path: string) =>
      (operation(method, path)?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
    expect(query('get', '/rooms/{id}/messages')).toEqual(['after', 'around', 'before', 'limit']);
    expect(query('get', '/search')).toEqual(['before', 'limit', 'q', 'roomId']);
    expect(query('get', '/rooms')).toEqual(['filter', 'q']);
  });

  it('says the database is fine when it answers, without a token', async () => {
    const res = await server.app.request('/api/chat/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok' });
  });

  it('answers 503 when its database does not answer', async () => {
    const { config } = server;
    const db = await openDb(config.DATABASE_URL, { usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS });
    const verify = await createVerifier(config.jwtKey, { issuer: config.CHAT_JWT_ISSUER, audience: config.CHAT_JWT_AUDIENCE });
    const app = createApp({ config, db, verify });
    expect((await app.request('/api/chat/health')).status).toBe(200);
    await db.close();
    const res = await app.request('/api/chat/health');
    expect(res.status).toBe(503);
    expect((await res.json()).db).not.toBe('ok');
    // The other BFF, on its own connection, is still fine.
    expect((await server.app.request('/api/chat/health')).status).toBe(200);
  });
});
