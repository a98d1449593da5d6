import { createParser } from 'eventsource-parser';

/** One event as a client receives it. */
export interface ReceivedEvent {
  id?: string;
  event: string;
  data: string;
  /** The data parsed as JSON. */
  json: any;
  /** performance.now() when it was parsed. */
  at: number;
}

/** A live connection to GET /events, read with fetch like the widget does (EventSource cannot send headers). */
export interface EventStream {
  status: number;
  headers: Headers;
  /** The events received, but `presence` ones, which come whenever someone's feed opens or closes. */
  events: ReceivedEvent[];
  /** The `presence` events received. */
  presences: ReceivedEvent[];
  comments: string[];
  retry?: number;
  /** The id of the last event with one: what a reconnecting client sends as Last-Event-ID. */
  lastId?: string;
  /** Resolves when the server ends the stream (or close() is called). */
  ended: Promise<void>;
  /** Waits for the first event (from index `from`, among the presence events with `presence`) matching the test. */
  waitFor(test: (e: ReceivedEvent) => boolean, opts?: { timeout?: number; from?: number; presence?: boolean }): Promise<ReceivedEvent>;
  /** Waits until at least n events were received. */
  waitForCount(n: number, timeout?: number): Promise<ReceivedEvent[]>;
  close(): void;
}

/** Opens the feed with a Bearer token and optional Last-Event-ID, and collects what arrives. */
export async function openEvents(
  apiUrl: string, token: string,
  opts: { lastEventId?: string; headers?: Record<string, string>; fetch?: (url: string, init: RequestInit) => Response | Promise<Response> } = {},
): Promise<EventStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `Bearer ${token}`, ...opts.headers };
  if (opts.lastEventId !== undefined) headers['Last-Event-ID'] = opts.lastEventId;
  // `fetch` may be an app's in-process request function (its web-stream fallback).
  const res = await (opts.fetch ?? fetch)(`${apiUrl}/events`, { headers, signal: abort.signal });
  const listeners = new Set<() => void>();
  const notify = () => { for (const l of [...listeners]) l(); };
  const stream: EventStream = {
    status: res.status,
    headers: res.headers,
    events: [],
    presences: [],
    comments: [],
    ended: Promise.resolve(),
    waitFor(test, { timeout = 5000, from = 0, presence = false } = {}) {
      return until(() => (presence ? stream.presences : stream.events).slice(from).find(test), timeout, `an event matching ${test}`);
    },
    waitForCount(n, timeout = 5000) {
      return until(() => (stream.events.length >= n ? stream.events : undefined), timeout, `${n} events (got ${stream.events.length})`);
    },
    close: () => abort.abort(),
  };
  let done = false;
  function until<T>(get: () => T | undefined, timeout: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = get();
        if (value !== undefined) { finish(); resolve(value); } else if (done) { finish(); reject(new Error(`stream ended before ${what}`)); }
      };
      const timer = setTimeout(() => { finish(); reject(new Error(`timed out waiting for ${what}`)); }, timeout);
      const finish = () => { clearTimeout(timer); listeners.delete(check); };
      listeners.add(check);
      check();
    });
  }
  const parser = createParser({
    onEvent(m) {
      let json: unknown;
      try { json = JSON.parse(m.data); } catch { json = undefined; }
      if (m.id) stream.lastId = m.id;
      (m.event === 'presence' ? stream.presences : stream.events).push({ id: m.id, event: m.event ?? 'message', data: m.data, json, at: performance.now() });
      notify();
    },
    onComment(c) { stream.comments.push(c); notify(); },
    onRetry(ms) { stream.retry = ms; },
  });
  stream.ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch { /* aborted */ } finally {
      done = true;
      notify();
    }
  })();
  return stream;
}
