import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { IppMessage } from './ipp-message';

/**
 * What the reader has on screen: a message counts once most of it shows (or
 * it fills half the list), as one IntersectionObserver sees the messages it
 * is given to watch. The newest one seen is handed to `report` once a frame,
 * and only when it is newer than the last one reported.
 */
export class SeenController implements ReactiveController {
  private visible = new Set<IppMessage>();
  private frame = 0;
  private newest = 0;
  private observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const el = e.target as IppMessage;
      const seen = e.isIntersecting && (e.intersectionRatio >= 0.5 || e.intersectionRect.height >= (e.rootBounds?.height ?? 0) / 2);
      if (seen) this.visible.add(el);
      else this.visible.delete(el);
    }
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.tell());
  }, { threshold: [0, 0.5, 1] });

  constructor(host: ReactiveControllerHost, private report: (messageId: number) => void) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.observer.disconnect();
    this.visible.clear();
    cancelAnimationFrame(this.frame);
  }

  /** Watches these messages (watching one twice changes nothing). */
  watch(messages: Iterable<IppMessage>): void {
    for (const el of messages) this.observer.observe(el);
  }

  private tell() {
    let newest = 0;
    for (const el of this.visible) if (el.isConnected && el.message.id > newest) newest = el.message.id;
    if (newest > this.newest) {
      this.newest = newest;
      this.report(newest);
    }
  }
}
