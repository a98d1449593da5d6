import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Snapshot } from './chat-snapshot';

/** What one page leaves to the next in the same tab (sessionStorage). */
export interface Saved {
  /** The user of the token: another user's page finds nothing. */
  user: number;
  open: boolean;
  /** Where the feed was when the page left; absent when the state lagged behind it. */
  lastEventId?: string;
  store: Snapshot;
}

/**
 * Continuity across the page loads of a multi-page host app: when the page
 * goes (`pagehide`, or hidden), the widget's state is written to the tab's
 * sessionStorage under a key per API; the next page reads it back for the
 * same user only, and drops it for anyone else. While a message or an upload
 * is still on its way, leaving the page asks for confirmation.
 */
export class ContinuityController implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    /** The storage key: one per API. */
    private key: () => string,
    /** What to keep now (undefined: nothing yet). */
    private state: () => Saved | undefined,
    /** Whether leaving now would lose something. */
    private pending: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener('pagehide', this.save);
    addEventListener('beforeunload', this.warn);
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  hostDisconnected(): void {
    removeEventListener('pagehide', this.save);
    removeEventListener('beforeunload', this.warn);
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  /** The previous page's state if it was `user`'s; another user's is deleted. */
  read(user: number): Saved | undefined {
    try {
      const saved = JSON.parse(sessionStorage.getItem(this.key()) ?? 'null') as Saved | null;
      if (saved?.user === user) return saved;
      sessionStorage.removeItem(this.key());
    } catch {
      // No storage (privacy mode, sandboxed frame) or a damaged entry: start afresh.
    }
    return undefined;
  }

  /** Writes the state now. */
  save = (): void => {
    const state = this.state();
    if (!state) return;
    try {
      sessionStorage.setItem(this.key(), JSON.stringify(state));
    } catch {
      // Over quota: better nothing than a part.
      try {
        sessionStorage.removeItem(this.key());
      } catch {}
    }
  };

  // A tab hidden may be discarded or closed without pagehide (mobile): save then too.
  private onVisibility = () => document.visibilityState === 'hidden' && this.save();

  private warn = (e: BeforeUnloadEvent) => {
    if (!this.pending()) return;
    e.preventDefault();
    e.returnValue = ''; // Older Chromium asks for it.
  };
}
