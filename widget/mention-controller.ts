import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ExpressStrings } from './express-i18n';
import { MENTION } from './mention-text';
import type { Member } from './types';

/** A person the composer can mention: a member, or everyone (`<@all>`, for a room's admins and moderators). */
interface Candidate {
  id: number | 'all';
  name: string;
  hint?: string;
}

const MAX = 8;
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the composer tells its mentions: who is in the room, and whether I may mention everyone. */
export interface MentionContext {
  members: Member[];
  meId: number;
  canMentionAll: boolean;
  /** The word shown for everyone (`tous`, `all`). */
  everyone: string;
  strings: ExpressStrings;
  /** In a room whose members are not all loaded: the members whose name contains q, asked of the server. */
  search?: (q: string) => Promise<Member[]>;
}

/** How long typing pauses before a big room's members are searched. */
const SEARCH_DELAY_MS = 150;

/**
 * The `@` suggestions of a text area: typing `@` and the start of a name
 * lists the room's members (arrows to choose, Enter or Tab to insert, Escape
 * to close) as a listbox tied to the text area by aria-controls and
 * aria-activedescendant. The text shows `@Name`; what is sent has `<@ID>`.
 * In a room whose members are not all loaded, the server is asked too.
 */
export class MentionController implements ReactiveController {
  /** The suggestions shown, and the one chosen. */
  candidates: Candidate[] = [];
  active = 0;
  /** Where the `@` being completed is in the text. */
  private at = -1;
  /** Members found by searching (a big room): suggested, and turned into `<@ID>` when sent. */
  private found = new Map<number, string>();
  /** The word last searched for: an answer to an older one is dropped. */
  private asked = '';

  constructor(
    private host: ReactiveControllerHost,
    private input: () => HTMLTextAreaElement,
    private context: () => MentionContext,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  get open(): boolean {
    return this.candidates.length > 0;
  }

  /** After each input: the word being typed after an `@`, if any, and the members it could be. */
  update(): void {
    const el = this.input();
    const before = el.value.slice(0, el.selectionStart ?? 0);
    const found = /(^|\s)@([^\s@][^@\n]{0,29}|)$/u.exec(before);
    this.at = found ? before.length - found[2].length - 1 : -1;
    this.candidates = found ? this.match(found[2]) : [];
    this.active = 0;
    this.host.requestUpdate();
    void this.lookup(found?.[2] ?? '');
  }

  /** In a big room, asks the server for the members the word could be, once typing pauses. */
  private async lookup(query: string): Promise<void> {
    this.asked = query;
    const { search } = this.context();
    if (!search || !query.trim()) return;
    await new Promise((resolve) => setTimeout(resolve, SEARCH_DELAY_MS));
    if (this.asked !== query) return;
    let members: Member[];
    try {
      members = await search(query.trim());
    } catch {
      return; // The loaded members are still suggested.
    }
    if (this.asked !== query || this.at < 0) return;
    for (const m of members) this.found.set(m.userId, m.name);
    this.candidates = this.match(query);
    this.active = Math.min(this.active, Math.max(0, this.candidates.length - 1));
    this.host.requestUpdate();
  }

  /** The people known by name: the members loaded and those found by searching. */
  private people(): Member[] {
    const { members } = this.context();
    const loaded = new Set(members.map((m) => m.userId));
    return [...members, ...[...this.found].filter(([id]) => !loaded.has(id)).map(([userId, name]) => ({ userId, name }) as Member)];
  }

  private match(query: string): Candidate[] {
    const { meId, canMentionAll, everyone, strings } = this.context();
    const q = fold(query);
    const starts = (name: string) => fold(name).split(/\s+/).some((w) => w.startsWith(q)) || fold(name).startsWith(q);
    const people: Candidate[] = this.people().filter((m) => m.userId !== meId && starts(m.name)).map((m) => ({ id: m.userId, name: m.name }));
    const all: Candidate[] = canMentionAll && fold(everyone).startsWith(q) ? [{ id: 'all', name: everyone, hint: strings.everyoneHint }] : [];
    return [...all, ...people].slice(0, MAX);
  }

  /** Handles the keys of the open list; true when the key was its. */
  keydown(e: KeyboardEvent): boolean {
    if (!this.open) return false;
    const n = this.candidates.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
    else if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') this.choose(this.candidates[this.active]);
    else if (e.key === 'Escape') this.close();
    else return false;
    e.preventDefault();
    e.stopPropagation();
    this.host.requestUpdate();
    return true;
  }

  close(): void {
    this.candidates = [];
    this.host.requestUpdate();
  }

  /** Puts `@Name ` in place of what was typed after the `@`. */
  choose(c: Candidate): void {
    const el = this.input();
    const caret = el.selectionStart ?? el.value.length;
    const text = `@${c.name} `;
    el.setRangeText(text, this.at, caret, 'end');
    el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    this.close();
    el.focus();
  }

  /** The text to send: each `@Name` of a member as `<@ID>`, and `@everyone` as `<@all>` when I may. */
  toWire(text: string): string {
    const { canMentionAll, everyone } = this.context();
    const named = this.people().sort((a, b) => b.name.length - a.name.length);
    let out = text;
    for (const m of named) out = out.replace(new RegExp(`@${escape(m.name)}(?![\\p{L}\\p{N}])`, 'gu'), `<@${m.userId}>`);
    return canMentionAll ? out.replace(new RegExp(`@${escape(everyone)}(?![\\p{L}\\p{N}])`, 'gu'), '<@all>') : out;
  }

  /** The text to edit: the mentions of a message as `@Name`. */
  toDisplay(content: string): string {
    const { everyone } = this.context();
    const people = this.people();
    // Someone not among the members known keeps their <@ID>, so that it is sent as it was.
    return content.replace(MENTION, (text, who: string) =>
      who === 'all' ? `@${everyone}` : ((name) => (name ? `@${name}` : text))(people.find((m) => m.userId === Number(who))?.name));
  }

  /** The attributes of the text area that tie it to the list. */
  get activeId(): string | undefined {
    return this.open ? `mention-${this.active}` : undefined;
  }

  render() {
    const { strings } = this.context();
    const status = html`<div class="sr-only" role="status">${strings.suggestionCount(this.candidates.length)}</div>`;
    if (!this.open) return status;
    return html`${status}<ul id="mentions" class="mentions" role="listbox" aria-label=${strings.suggestions}>
      ${this.candidates.map((c, i) => html`<li id="mention-${i}" role="option" aria-selected=${i === this.active}
        @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.choose(c)}>@${c.name}${c.hint ? html` <small>${c.hint}</small>` : nothing}</li>`)}
    </ul>`;
  }
}
