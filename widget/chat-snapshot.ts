import { PAGE, type ChatStore } from './chat-store';
import type { Draft } from './events';
import type { ChatMessage, Me, Message, Room } from './types';

/** What the store keeps across page loads (see ContinuityController). */
export interface Snapshot {
  me: Me;
  rooms: Room[];
  roomId: number | null;
  /** The rooms opened last, most recent first, with their members and last page. */
  recent: { room: Room; page: { messages: Message[]; hasMore: boolean } }[];
  drafts: [number, Draft][];
  /** Text messages not confirmed: those still on their way are sent again with their clientId after the reload, failed ones keep their Retry. */
  outbox: ChatMessage[];
}

/** Rooms whose last page a snapshot keeps, most recently opened first. */
const RECENT = 5;

/** What to keep for the next page: see Snapshot. Pending files cannot be kept. */
export function snapshot(store: ChatStore): Snapshot | undefined {
  if (!store.me) return;
  const confirmed = (m: ChatMessage) => m.id > 0;
  const recent = store.recent.slice(0, RECENT).flatMap((id) => {
    const room = store.details.get(id);
    const page = store.pages.get(id);
    return room && page && !page.loading ? [{ room, page: { messages: page.messages.filter(confirmed).slice(-PAGE), hasMore: page.hasMore || page.messages.length > PAGE } }] : [];
  });
  const outbox = [...store.pages.values()].flatMap((p) => p.messages.filter((m) => m.id < 0 && !m.files?.length));
  return { me: store.me, rooms: store.rooms, roomId: store.roomId, recent, drafts: [...store.drafts], outbox: outbox.map(({ progress, files, ...m }) => m) };
}

/** Puts back what snapshot() kept, to be shown at once. */
export function restore(store: ChatStore, s: Snapshot): void {
  store.me = s.me;
  store.rooms = s.rooms;
  store.drafts = new Map(s.drafts);
  store.recent = s.recent.map((r) => r.room.id);
  for (const { room, page } of s.recent) {
    store.setDetails(room);
    store.pages.set(room.id, page);
  }
  store.roomId = s.roomId !== null && store.pages.has(s.roomId) ? s.roomId : null;
  for (const m of s.outbox) {
    store.seq = Math.max(store.seq, -m.id);
    // A room whose page was not kept gets one, loaded when opened, so that the message is sent and shown.
    if (!store.pages.has(m.roomId)) store.pages.set(m.roomId, { messages: [], hasMore: false, loading: true });
    store.upsert(m);
  }
  store.changed();
}
