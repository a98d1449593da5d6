import type { ChatStore } from './chat-store';
import type { ChatSync } from './chat-sync';
import type { ChatEvent, Message } from './types';

/** How long "is typing" shows after a signal. */
export const TYPING_MS = 5000;

/**
 * Applies one event of the live feed to the store: messages into the pages
 * and the room list (with their reactions, and the mentions of me counted),
 * read markers, typing; room and member changes refetch
 * what they concern. A replayed event the state already holds changes nothing.
 */
export function applyEvent(store: ChatStore, sync: ChatSync, { type, data }: ChatEvent): void {
  const meId = store.me?.user.id;
  const roomId: number | undefined = data?.roomId ?? data?.id;
  switch (type) {
    case 'message.created': {
      const m = data as Message;
      const room = store.rooms.find((r) => r.id === m.roomId);
      // A replay may bring a message the list already counts.
      const counted = m.id <= (room?.lastMessage?.id ?? 0);
      store.upsert(m);
      store.typing.delete(m.senderId);
      if (!room) sync.refreshRooms();
      // What happened to the room is told in its timeline, and counts as unread for nobody.
      if (m.senderId === meId || counted || m.type === 'system') break;
      // Unread until the reader has it on screen (the message list tells ChatSync.seen); so is a mention of me.
      const now = store.rooms.find((r) => r.id === m.roomId);
      if (now) store.setRoom(m.roomId, { unreadCount: now.unreadCount + 1, mentionCount: (now.mentionCount ?? 0) + +!!m.mentions?.includes(meId!) });
      store.onIncoming?.(m, store.rooms.find((r) => r.id === m.roomId));
      break;
    }
    case 'message.updated':
    case 'message.deleted': {
      if (type === 'message.updated') store.upsert(data as Message);
      else store.deleted(data as Message);
      // An edit or a deletion may add or take away a mention of me: the server counts them again.
      const room = store.rooms.find((r) => r.id === data.roomId);
      if (data.senderId !== meId && data.id > (room?.lastReadMessageId ?? 0) && (room?.mentionCount || data.mentions?.includes(meId))) sync.refreshRooms();
      break;
    }
    case 'reaction.added':
    case 'reaction.removed':
      store.react(data, type === 'reaction.added');
      break;
    case 'read': {
      const detail = store.details.get(data.roomId);
      if (detail?.members) {
        const members = detail.members.map((x) =>
          x.userId === data.userId && data.messageId > (x.lastReadMessageId ?? 0) ? { ...x, lastReadMessageId: data.messageId } : x,
        );
        store.details.set(detail.id, { ...detail, members });
      }
      if (data.userId === meId) {
        const room = store.rooms.find((r) => r.id === data.roomId);
        // Read up to the last message (another tab, another device): nothing left; otherwise only the server knows the count.
        if (room && data.messageId <= (room.lastReadMessageId ?? 0)) break;
        if (room && data.messageId >= (room.lastMessage?.id ?? 0)) store.setRoom(room.id, { unreadCount: 0, mentionCount: 0, lastReadMessageId: data.messageId });
        else sync.refreshRooms();
      }
      store.changed();
      break;
    }
    case 'presence':
      store.presence.set(data.userId, { online: data.online, lastSeenAt: data.lastSeenAt });
      store.changed();
      break;
    case 'typing':
      if (data.roomId !== store.roomId || data.userId === meId) return;
      store.typing.set(data.userId, { name: data.name, until: Date.now() + TYPING_MS });
      store.expireTyping();
      store.changed();
      break;
    case 'reset':
      // Events were missed: cached pages are stale, except for the messages still on their way.
      for (const [id, page] of store.pages) if (id !== store.roomId && !page.messages.some((m) => m.id < 0)) store.pages.delete(id);
      sync.reload(store.roomId ?? undefined);
      break;
    case 'member.added':
      // Someone joining a big room (its members not all loaded) changes only its count: no refetch by every member on every join.
      if (roomId !== undefined && data.userId !== meId && store.memberCursor.has(roomId)) {
        const room = store.rooms.find((r) => r.id === roomId);
        if (room) store.setRoom(roomId, { memberCount: (room.memberCount ?? 0) + 1 });
        break;
      }
      sync.reload(roomId);
      break;
    default:
      // room.* and member.*: the payloads differ, so fetch the list (and the open room) again.
      if (!type.startsWith('room.') && !type.startsWith('member.')) return;
      if (roomId !== undefined && roomId === store.roomId && (type === 'room.deleted' || (type === 'member.removed' && data.userId === meId))) {
        sync.refreshRooms();
        void sync.open(null);
      } else sync.reload(roomId);
  }
}
