import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { toneOf, tones } from './styles';
import type { Presence, Room } from './types';

/** Up to two initials of a name: "Camille Laurent" → "CL", "julien" → "J". */
export function initials(name: string): string {
  const words = name.replace(/[^\p{L}\p{N}\s'-]/gu, ' ').trim().split(/[\s'-]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)!] : words.slice(0, 1);
  return letters.map((w) => [...w][0]).join('').toUpperCase() || '?';
}

/**
 * A person's (or a room's) avatar: initials on a colour stable per id, with a
 * dot when the person has the chat open. Decorative: the name beside it is
 * what assistive technology reads, and `online` is told in words elsewhere.
 *
 * @csspart avatar - the disc.
 * @cssproperty --ipp-avatar-size - its diameter (32px).
 */
@customElement('ipp-avatar')
export class IppAvatar extends LitElement {
  static override styles = [tones, css`
    :host {
      position: relative;
      display: inline-block;
      flex: none;
      width: var(--ipp-avatar-size, 32px);
      height: var(--ipp-avatar-size, 32px);
    }
    .disc {
      display: grid;
      place-items: center;
      width: 100%;
      height: 100%;
      border-radius: 50%;
      background: var(--ipp-tone);
      color: #fff;
      font-weight: 600;
      font-size: calc(var(--ipp-avatar-size, 32px) * 0.4);
      line-height: 1;
      user-select: none;
    }
    :host([square]) .disc {
      border-radius: 28%;
    }
    .dot {
      position: absolute;
      right: -1px;
      bottom: -1px;
      width: 32%;
      height: 32%;
      min-width: 8px;
      min-height: 8px;
      border-radius: 50%;
      background: #1e8e3e;
      border: 2px solid var(--ipp-bg, #fff);
    }
  `];

  /** The person's or room's name, whose initials show. */
  @property() name = '';
  /** Their id: it picks the colour. */
  @property({ type: Number }) ident = 0;
  /** Whether to show the "online" dot. */
  @property({ type: Boolean }) online = false;
  /** A room rather than a person: a rounded square. */
  @property({ type: Boolean, reflect: true }) square = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('aria-hidden', 'true');
  }

  override render() {
    return html`<span class="disc ${toneOf(this.ident)}" part="avatar">${initials(this.name)}</span>${this.online
      ? html`<span class="dot"></span>`
      : nothing}`;
  }
}

/** A room's avatar: the other person's (with their presence) for a direct room, the room's own otherwise. */
export function roomAvatar(r: Room, meId: number | undefined, presence: Map<number, Presence>): TemplateResult {
  const peer = r.type === 'direct' ? r.members?.find((m) => m.userId !== meId) : undefined;
  return peer
    ? html`<ipp-avatar exportparts="avatar" .name=${peer.name} .ident=${peer.userId} ?online=${presence.get(peer.userId)?.online ?? false}></ipp-avatar>`
    : html`<ipp-avatar exportparts="avatar" square .name=${r.name ?? ''} .ident=${r.id}></ipp-avatar>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-avatar': IppAvatar;
  }
}
