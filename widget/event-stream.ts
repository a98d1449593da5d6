import { createParser } from 'eventsource-parser';
import type { ChatApi } from './api';
import type { ChatEvent } from './types';

/** Options of readEvents(). */
export interface StreamOptions {
  /** Resume after this event id (sent as Last-Event-ID). */
  lastEventId?: string;
  signal: AbortSignal;
  onEvent(e: ChatEvent): void;
  /**
   * Called with true once a connection is up, false when it drops. A fresh
   * stream (no event id yet) also gives `at`: the last event id before its
   * first, where a following page resumes even if no event arrives.
   */
  onStatus?(up: boolean, at?: string): void;
  /** After this long without a byte, the connection is replaced (default STALL_MS). */
  stallMs?: number;
}

/**
 * The server sends at least a comment every 20 s (docs/api.md, The feed): a connection
 * silent for longer is dead (sleeping laptop, changed network) and is replaced.
 */
const STALL_MS = 45_000;

/** Resolves after `ms`, or at once when `signal` aborts; leaves no listener behind either way. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => (clearTimeout(t), signal?.removeEventListener('abort', done), resolve());
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Longest wait between two attempts: a server back after an outage is found within it, sooner when woken. */
const MAX_DELAY_MS = 15_000;

/**
 * Waits `ms`, or less when the stream is worth trying again at once: the
 * browser is back online, the page is shown again, or a request to the API
 * has just succeeded (the server is back). Resolves whether it was woken.
 */
async function backOff(api: ChatApi, ms: number, signal: AbortSignal): Promise<boolean> {
  const wake = new AbortController();
  const done = () => wake.abort();
  const shown = () => document.visibilityState === 'visible' && done();
  api.addEventListener('reachable', done);
  addEventListener('online', done);
  document.addEventListener('visibilitychange', shown);
  signal.addEventListener('abort', done);
  try {
    await sleep(ms, wake.signal);
  } finally {
    api.removeEventListener('reachable', done);
    removeEventListener('online', done);
    document.removeEventListener('visibilitychange', shown);
    signal.removeEventListener('abort', done);
  }
  return wake.signal.aborted && !signal.aborted;
}

/**
 * Reads `GET /events` with fetch() (EventSource cannot send the Authorization
 * header) until the signal aborts, reconnecting with exponential back-off and
 * Last-Event-ID so that no event is lost or repeated.
 */
export async function readEvents(api: ChatApi, opts: StreamOptions): Promise<void> {
  const { signal } = opts;
  let lastId = opts.lastEventId;
  let retry = 1000;
  let failures = 0;
  // Told to come back later (429, 503): then only the back-off decides.
  let busy = false;
  const stallMs = opts.stallMs ?? STALL_MS;
  const parser = createParser({
    onEvent(m) {
      if (m.id) lastId = m.id;
      let data: unknown = null;
      try {
        data = m.data ? JSON.parse(m.data) : null;
      } catch {
        return;
      }
      opts.onEvent({ id: m.id, type: m.event ?? 'message', data });
    },
    onRetry(ms) {
      retry = ms;
    },
  });
  while (!signal.aborted) {
    parser.reset();
    // This connection ends when the widget stops, or when it has been silent too long.
    const connection = new AbortController();
    const end = () => connection.abort();
    signal.addEventListener('abort', end, { once: true });
    // The browser knows the network is gone: no need to wait for the connection to fall silent.
    addEventListener('offline', end);
    let watchdog = setTimeout(end, stallMs);
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastId) headers['last-event-id'] = lastId;
      const res = await api.fetch('/events', { headers, signal: connection.signal, cache: 'no-store' });
      busy = res.status === 429 || res.status === 503;
      if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
      failures = 0;
      const at = lastId ? undefined : res.headers.get('chat-last-event-id') ?? undefined;
      if (at) lastId = at;
      opts.onStatus?.(true, at);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        clearTimeout(watchdog);
        watchdog = setTimeout(end, stallMs);
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      failures++;
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener('abort', end);
      removeEventListener('offline', end);
    }
    if (signal.aborted) break;
    opts.onStatus?.(false);
    // Back-off with jitter, so that many clients do not come back at the same instant.
    const delay = Math.min(retry * 2 ** Math.min(failures, 5), MAX_DELAY_MS);
    const wait = delay / 2 + Math.random() * (delay / 2);
    if (busy) await sleep(wait, signal);
    // Woken: a moment for the network to settle, still a little apart per client.
    else if (await backOff(api, wait, signal)) await sleep(200 + Math.random() * 800, signal);
  }
}
