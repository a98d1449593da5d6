import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatApi } from './api';
import { readEvents } from './event-stream';
import type { ChatEvent } from './types';

/** How long the stream may be down before the widget says so. */
const OFFLINE_AFTER_MS = 2000;

type Wire = { kind: 'event'; event: ChatEvent } | { kind: 'status'; up: boolean; at?: string };

/**
 * One event stream per browser, shared by every tab: the tab holding the Web
 * Lock named after the API and the user reads `GET /events` and forwards each
 * event to the others over a BroadcastChannel. When it closes, the lock passes
 * to another tab, which resumes from the last event id it saw.
 */
export class LiveController implements ReactiveController {
  /** Whether this tab currently reads the stream. */
  leader = false;
  /** Whether the stream is up (as reported by the leader). */
  online = true;

  /** The id of the last event received: where a page that follows this one resumes. */
  lastId?: string;

  private abort?: AbortController;
  private dropped?: ReturnType<typeof setTimeout>;
  private channel?: BroadcastChannel;

  constructor(
    private host: ReactiveControllerHost,
    private onEvent: (e: ChatEvent) => void,
  ) {
    host.addController(this);
  }

  /**
   * Joins the stream of `api` for user `userId` (again, if the user or API
   * changed), from `lastEventId` when given. Resolves whether the stream will
   * replay from there: not when another tab already reads it for everyone.
   */
  async start(api: ChatApi, userId: number, lastEventId?: string): Promise<boolean> {
    this.stop();
    this.lastId = lastEventId;
    const abort = (this.abort = new AbortController());
    const name = `ipp-chat:${new URL(api.url('/events')).href}:${userId}`;
    const channel = (this.channel = new BroadcastChannel(name));
    channel.onmessage = (e: MessageEvent<Wire>) => this.receive(e.data);
    const lead = async () => {
      this.leader = true;
      await readEvents(api, {
        lastEventId: this.lastId,
        signal: abort.signal,
        onEvent: (event) => this.send({ kind: 'event', event }),
        onStatus: (up, at) => this.send({ kind: 'status', up, at }),
      });
      this.leader = false;
    };
    if (!navigator.locks) return void lead(), !!lastEventId;
    const held = !!(await navigator.locks.query()).held?.some((l) => l.name === name);
    if (!abort.signal.aborted) navigator.locks.request(name, { signal: abort.signal }, lead).catch(() => {});
    return !held && !!lastEventId;
  }

  stop(): void {
    clearTimeout(this.dropped);
    this.dropped = undefined;
    this.abort?.abort();
    this.channel?.close();
    this.abort = this.channel = undefined;
  }

  hostDisconnected(): void {
    this.stop();
  }

  // Leader: deliver here and to the other tabs (a channel does not echo to its sender).
  private send(w: Wire) {
    this.channel?.postMessage(w);
    this.receive(w);
  }

  private receive(w: Wire) {
    if (w.kind === 'status') {
      this.lastId ??= w.at;
      if (w.up) {
        clearTimeout(this.dropped);
        this.dropped = undefined;
        this.online = true;
        this.host.requestUpdate();
      } else if (this.online && !this.dropped) {
        // A connection replaced within moments (a blip, a server restarting) is not news.
        this.dropped = setTimeout(() => {
          this.online = false;
          this.host.requestUpdate();
        }, OFFLINE_AFTER_MS);
      }
      return;
    }
    if (w.event.id) this.lastId = w.event.id;
    this.onEvent(w.event);
  }
}
