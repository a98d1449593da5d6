import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, mint, SECRET, USERS, type Dialect, type TestDb } from './harness';

/*
 * The README's deployment, for real: `npm run build` into a folder, only
 * package.json, package-lock.json, scripts/ and dist/ copied to another one,
 * `npm ci --omit=dev` there (no tsx, no TypeScript, no esbuild, no
 * drizzle-kit), then `npm run db:migrate` and `npm start` on a fresh SQLite
 * file and a fresh MariaDB database.
 */

const run = promisify(execFile);
const npm = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  run('npm', args, { cwd, env: { ...process.env, ...env, npm_config_update_notifier: 'false' }, maxBuffer: 16 << 20 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );

/** What `npm start` runs, in the folder (without npm in between, to send it SIGTERM); resolves with the URL it says it listens on. */
async function start(cwd: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess; lines: () => Record<string, any>[] }> {
  const [command, ...args] = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')).scripts.start.split(' ');
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  const lines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  for (let i = 0; i < 300; i++) {
    // A JSON line, or a pretty one in demo mode: "… ipp-chat listening on http://127.0.0.1:PORT".
    const ready = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (ready) return { url: ready[1], child, lines };
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`npm start did not say where it listens: ${out}${err}`);
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

describe('the build, deployed with npm ci --omit=dev', () => {
  let root: string;
  let app: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ippchat-build-'));
    app = join(root, 'app');
    for (const name of ['package.json', 'package-lock.json', 'scripts']) cpSync(name, join(app, name), { recursive: true });
  }, 30_000);
  afterAll(() => { if (root) rmSync(root, { recursive: true, force: true }); });

  it('says in one line how to build when dist/ is missing', async () => {
    const res = await npm(['start', '--silent'], app);
    expect(res.code).toBe(1);
    expect(res.stderr.split('\n').filter((l) => l.startsWith('ipp-chat'))).toEqual(['ipp-chat: dist/server/index.js is missing: run `npm run build` first']);
  });

  it('builds the widget and the server, and installs without the dev dependencies', async () => {
    const built = await run(process.execPath, ['scripts/build.mjs', '--outdir', join(app, 'dist')]);
    expect(built.stdout).toContain('server/index.js');
    for (const file of ['ipp-chat.js', 'ipp-chat.js.map', 'server/index.js', 'server/index.js.map', 'server/migrate.js', 'migrations/mysql/meta/_journal.json',
      'migrations/sqlite/meta/_journal.json', 'demo/demo.js', 'demo/demo.css']) {
      expect(existsSync(join(app, 'dist', file)), file).toBe(true);
    }
    expect(readFileSync(join(app, 'dist/server/index.js'), 'utf8')).toMatch(/sourceMappingURL=index\.js\.map/);
    const installed = await npm(['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], app);
    expect(installed.code, installed.stderr).toBe(0);
    for (const dev of ['tsx', 'typescript', 'esbuild', 'drizzle-kit', 'vitest']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
  }, 240_000);

  for (const dialect of ['sqlite', 'mysql'] as Dialect[]) {
    describe(`on ${dialect}`, () => {
      let testDb: TestDb;
      beforeAll(async () => { testDb = await createTestDb(dialect, USERS, { migrate: false }); });
      afterAll(() => testDb?.drop());

      it('migrates a fresh database, then serves the API and the widget', async () => {
        const env = { DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, UPLOAD_DIR: join(root, `uploads-${dialect}`) };
        const migrated = await npm(['run', 'db:migrate', '--silent'], app, env);
        expect(migrated.code, migrated.stderr).toBe(0);
        expect(migrated.stdout).toMatch(/migrations applied/);
        expect((await testDb.exec('SELECT COUNT(*) AS n FROM chat_rooms'))[0]).toBeDefined();

        const server = await start(app, env);
        try {
          const health = await fetch(`${server.url}/api/chat/health`);
          expect(health.status).toBe(200);
          expect(await health.json()).toEqual({ status: 'ok', db: 'ok' });
          const widget = await fetch(`${server.url}/ipp-chat.js`);
          expect(widget.status).toBe(200);
          expect(widget.headers.get('content-type')).toMatch(/^text\/javascript/);
          expect(Buffer.from(await widget.arrayBuffer()).equals(readFileSync(join(app, 'dist/ipp-chat.js')))).toBe(true);
          const me = await fetch(`${server.url}/api/chat/me`, { headers: { Authorization: `Bearer ${await mint({ sub: '1' })}` } });
          expect(me.status).toBe(200);
          expect((await me.json()).user.name).toBe('Alice Martin');
          // Its logs: JSON lines on stdout, one per request.
          await expect.poll(() => server.lines().find((l) => l.msg === 'request' && l.route === '/api/chat/me')).toMatchObject({ status: 200, userId: 1 });
        } finally {
          expect(await stop(server.child)).toBe(0);
        }
        expect(server.lines().at(-1)).toMatchObject({ msg: 'ipp-chat stopped' });
      }, 60_000);
    });
  }

  it('runs the demo from the build', async () => {
    const server = await start(app, { CHAT_DEMO: '1', DATABASE_URL: `sqlite:${join(root, 'demo.sqlite')}`, UPLOAD_DIR: join(root, 'uploads-demo') });
    try {
      const page = await fetch(`${server.url}/demo/?user=2`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<ipp-chat');
      expect((await fetch(`${server.url}/demo/demo.js`)).status).toBe(200);
    } finally {
      await stop(server.child);
    }
  }, 60_000);
});
