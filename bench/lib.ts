import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import mysql from 'mysql2/promise';
import { HIGH_LIMITS, mysqlRoot, type Dialect } from '../testkit/db';

/**
 * The databases measured (README, Benchmarks): the embedded SQLite, and MySQL on the
 * server DATABASE_URL names when it is a mysql:// URL (the bench makes and
 * drops its own databases there), else on the local MariaDB if it answers.
 */
export async function benchDialects(): Promise<Dialect[]> {
  const url = process.env.DATABASE_URL;
  if (url?.startsWith('mysql://')) process.env.TEST_MYSQL_URL = url.replace(/\/[^/]*$/, '');
  try {
    await (await mysql.createConnection({ uri: mysqlRoot() })).end();
    return ['sqlite', 'mysql'];
  } catch (err) {
    console.error(`No MySQL at ${new URL(mysqlRoot()).host} (${(err as Error).message}): SQLite only.`);
    return ['sqlite'];
  }
}

/** One line of the bench table. */
export interface Row {
  bench: string;
  metric: string;
  value: string;
  target?: string;
  ok?: boolean;
}

/** Prints the rows as one table, each target marked met or not. */
export function printTable(rows: Row[]): void {
  const widths = [30, 34, 26, 16];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(line(['bench', 'metric', 'value', 'target']));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line([r.bench, r.metric, r.value, r.target ? `${r.target} ${r.ok ? '✓' : '✗'}` : '']));
}

/** A BFF in its own process, so its memory is measured apart from the client's. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident memory now, in bytes. */
  rss(): number;
  /** Forgets the peak so far (Linux clear_refs), so peakRss() tells the peak from now on. */
  resetPeak(): void;
  peakRss(): number;
  /** SIGTERM: the graceful stop. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing cleaned up. */
  kill(): Promise<void>;
}

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) * 1024;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the servers (NODE_OPTIONS refuses --cpu-prof).
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/index.ts'], {
    // The benchmarks measure throughput, not the rate limits.
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...HIGH_LIMITS, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out: string | null = '';
  const url = await new Promise<string>((resolve, reject) => {
    // Its log (a JSON line per request) is read until it says where it listens, then drained and dropped.
    child.stdout!.on('data', (d: Buffer) => {
      if (out === null) return;
      out += d.toString();
      const m = out.match(/listening on (http:\/\/[\d.:]+)/);
      if (m) {
        resolve(m[1]);
        out = null;
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  const pid = child.pid!;
  return {
    url, pid,
    rss: () => status(pid, 'VmRSS'),
    resetPeak: () => writeFileSync(`/proc/${pid}/clear_refs`, '5'),
    peakRss: () => status(pid, 'VmHWM'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * CPU time a process has used, in ms (user and system, every thread), or only
 * its main thread's (`mainThread`): a figure of work done that, unlike a rate,
 * does not move with what else the machine runs meanwhile.
 */
export function cpuMs(pid: number, mainThread = false): number {
  const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  // After the command's name (which may hold spaces): utime and stime are the 12th and 13th fields, in clock ticks.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS);
}

/** Linux's USER_HZ, the unit of /proc's CPU times. */
const CLOCK_TICKS = 100;

export const ms = (n: number) => `${n.toFixed(1)} ms`;
export const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * JSON calls to the API over node:http with keep-alive, rather than fetch: the load generator
 * shares the two cores with the server and MariaDB, and undici's fetch cost it more than twice
 * the CPU per request (measured). The answer's body is read whole, as a widget would.
 */
export function jsonClient(api: string, agent: http.Agent) {
  return (token: string, method: string, path: string, body?: unknown) => new Promise<{ status: number; body: any }>((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const req = http.request(`${api}${path}`, {
      method, agent,
      headers: { Authorization: `Bearer ${token}`, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** POSTs JSON (setup calls, broadcasts), failing loudly on anything but a success. */
export async function post(url: string, body: unknown, token?: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}
