import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * A child process of bench/scale.ts holding up to a few thousand SSE feeds
 * (one process's open files are limited, so 20 000 feeds take several), and
 * telling its parent over IPC when a marker reached each of them. The same
 * cheap reader for the BFF and the plain baseline: node:http, no SSE parser.
 */

/** What the parent asks. */
export type ClientCommand =
  | { cmd: 'open'; target: number; url: string; tokens: (string | null)[]; concurrency: number }
  | { cmd: 'expect'; target: number; marker: string; timeoutMs: number }
  | { cmd: 'drop'; target: number }
  | { cmd: 'close' };

/** What the child answers: times are absolute (performance.timeOrigin + now), comparable across processes. */
export type ClientReply =
  | { cmd: 'ready' }
  | { cmd: 'opened'; target: number; ok: number; failed: number; at: number }
  | { cmd: 'expecting'; target: number }
  | { cmd: 'dropped'; target: number }
  | { cmd: 'arrived'; target: number; times: number[] };

const EMPTY = Buffer.alloc(0);
const now = () => performance.timeOrigin + performance.now();
const reply = (r: ClientReply) => process.send!(r);

interface Feed { req: http.ClientRequest; tail: Buffer }
const feeds: Feed[][] = [];
let expecting: { target: number; marker: Buffer; times: Float64Array; left: number; timer: NodeJS.Timeout } | null = null;

function finish() {
  if (!expecting) return;
  const { target, times, timer } = expecting;
  clearTimeout(timer);
  expecting = null;
  reply({ cmd: 'arrived', target, times: [...times] });
}

function open(target: number, index: number, url: string, token: string | null): Promise<boolean> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const feed: Feed = { req: http.get(url, { agent: false, headers }), tail: EMPTY };
    feeds[target][index] = feed;
    feed.req.on('response', (res) => {
      resolve(res.statusCode === 200);
      // Bytes, not text: the feeds bring much the bench does not look at (presence), not worth decoding.
      res.on('data', (chunk: Buffer) => {
        const e = expecting;
        if (!e || e.target !== target) return;
        if (Number.isNaN(e.times[index])) {
          // A marker cut in two by the chunks is found in the end of the one before and the start of this one.
          if (chunk.includes(e.marker) || Buffer.concat([feed.tail, chunk.subarray(0, e.marker.length)]).includes(e.marker)) {
            e.times[index] = now();
            if (--e.left === 0) finish();
          } else feed.tail = Buffer.from(chunk.subarray(-e.marker.length));
        }
      });
    });
    feed.req.on('error', () => resolve(false));
  });
}

process.on('message', async (m: ClientCommand) => {
  if (m.cmd === 'open') {
    feeds[m.target] = [];
    let next = 0;
    let ok = 0;
    let failed = 0;
    // A rolling window of connects under way, as many browsers arriving at once would be.
    const worker = async () => {
      while (next < m.tokens.length) {
        const i = next++;
        if (await open(m.target, i, m.url, m.tokens[i])) ok++;
        else failed++;
      }
    };
    await Promise.all(Array.from({ length: m.concurrency }, worker));
    reply({ cmd: 'opened', target: m.target, ok, failed, at: now() });
  } else if (m.cmd === 'expect') {
    const n = feeds[m.target].length;
    for (const f of feeds[m.target]) f.tail = EMPTY;
    expecting = {
      target: m.target, marker: Buffer.from(m.marker), times: new Float64Array(n).fill(NaN), left: n,
      timer: setTimeout(finish, m.timeoutMs),
    };
    reply({ cmd: 'expecting', target: m.target });
  } else if (m.cmd === 'drop') {
    for (const f of feeds[m.target] ?? []) f.req.destroy();
    feeds[m.target] = [];
    reply({ cmd: 'dropped', target: m.target });
  } else {
    for (const list of feeds) for (const f of list ?? []) f.req.destroy();
    process.exit(0);
  }
});
reply({ cmd: 'ready' });
