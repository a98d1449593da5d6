import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Where a scrolling list stays while its content changes (messages render,
 * pictures load, older ones are added above, the list itself shrinks): at
 * the bottom while the reader is there, or with one element held at the same
 * height, or at a restored offset, until the reader scrolls. It settles on
 * every size change of what it is given to observe.
 */
export class ScrollAnchor implements ReactiveController {
  /** Whether to follow the end (the reader is at the bottom). */
  stick = true;
  /** An element to keep at `offset` from the top of the list. */
  private held?: { el: HTMLElement; offset: number };
  /** The restored scroll offset, kept until the reader scrolls. */
  private restoreTop?: number;
  /** The offset last set here: a scroll event at it is ours, not the reader's. */
  private lastSet = -1;
  private resize = new ResizeObserver(() => this.settle());

  constructor(host: ReactiveControllerHost, private scroller: () => HTMLElement | null | undefined) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.resize.disconnect();
  }

  /** Settles whenever one of these changes size. */
  observe(...elements: Element[]): void {
    for (const el of elements) this.resize.observe(el);
  }

  /** Whether a restored offset is still held. */
  get restoring(): boolean {
    return this.restoreTop !== undefined;
  }

  /** Opens at this offset, and stays there while the content renders. */
  restore(top: number): void {
    this.restoreTop = top;
    this.stick = false;
  }

  /** Keeps this element `offset` pixels from the top of the list (before following the end). */
  hold(el: HTMLElement, offset: number): void {
    this.held = { el, offset };
    this.restoreTop = undefined;
  }

  /** Goes to the end, and follows it. */
  toEnd(): void {
    this.stick = true;
    this.held = this.restoreTop = undefined;
    this.settle();
  }

  settle(): void {
    const s = this.scroller();
    if (!s) return;
    if (this.restoreTop !== undefined) s.scrollTop = this.restoreTop;
    else if (this.held) s.scrollTop = this.held.el.offsetTop - this.held.offset;
    else if (this.stick) s.scrollTop = s.scrollHeight;
    this.lastSet = s.scrollTop;
  }

  /**
   * After a scroll event: false when it was the anchor's own settling; else
   * the reader moved, nothing is held any more, and `follow` says whether to
   * follow the end from now on.
   */
  readerScrolled(follow: () => boolean): boolean {
    const s = this.scroller();
    if (!s || Math.abs(s.scrollTop - this.lastSet) < 2) return false;
    this.held = this.restoreTop = undefined;
    this.stick = follow();
    return true;
  }
}
