import type { ChatMessage, Room, User } from './types';

/** What is in progress in a room, kept across rooms and page loads (see ChatStore.drafts). */
export interface Draft {
  /** The composer's text. */
  text?: string;
  /** The message being replied to. */
  reply?: ChatMessage | null;
  /** The message list's scroll offset; null when at the bottom (following new messages). */
  scroll?: number | null;
}

/** Detail of `ipp-send`: a new message from the composer. */
export interface SendDetail {
  content: string;
  files: File[];
  replyToId?: number;
}

declare global {
  interface HTMLElementEventMap {
    /** Public: the unread total changed. */
    'ipp-chat-unread': CustomEvent<{ count: number }>;
    /** Public: the open room changed (null: none). */
    'ipp-chat-room': CustomEvent<{ roomId: number | null }>;
    /** Open a room at a message (a search result, a quoted message). */
    'ipp-jump': CustomEvent<{ roomId: number; messageId: number }>;
    /** The reader has had the room's messages on screen up to this one. */
    'ipp-seen': CustomEvent<{ messageId: number }>;
    /** The bottom of a page opened around an older message was reached. */
    'ipp-load-newer': CustomEvent<void>;
    /** Back to the room's latest messages. */
    'ipp-latest': CustomEvent<void>;
    /** Drop a message that could not be sent. */
    'ipp-discard': CustomEvent<{ message: ChatMessage }>;
    'ipp-room-select': CustomEvent<{ roomId: number }>;
    'ipp-room-created': CustomEvent<{ room: Room }>;
    'ipp-back': CustomEvent<void>;
    'ipp-cancel': CustomEvent<void>;
    'ipp-new-room': CustomEvent<{ group: boolean }>;
    /** Open the notification settings. */
    'ipp-preferences': CustomEvent<void>;
    'ipp-settings': CustomEvent<void>;
    'ipp-notify': CustomEvent<void>;
    'ipp-user-pick': CustomEvent<{ user: User }>;
    'ipp-send': CustomEvent<SendDetail>;
    'ipp-edit': CustomEvent<{ message: ChatMessage; content: string }>;
    'ipp-delete': CustomEvent<{ message: ChatMessage }>;
    'ipp-reply': CustomEvent<{ message: ChatMessage }>;
    'ipp-start-edit': CustomEvent<{ message: ChatMessage }>;
    'ipp-retry': CustomEvent<{ message: ChatMessage }>;
    'ipp-load-older': CustomEvent<void>;
    'ipp-typing': CustomEvent<void>;
    /** Part of a room's draft changed (text, reply or scroll position). */
    'ipp-draft': CustomEvent<Draft>;
    /** Add or remove my reaction to a message. */
    'ipp-react': CustomEvent<{ message: ChatMessage; emoji: string; add: boolean }>;
    /** Open the emoji picker: for a reaction to `message`, else for the composer. */
    'ipp-emoji-open': CustomEvent<{ message?: ChatMessage; anchor: HTMLElement }>;
    /** An emoji was picked. */
    'ipp-emoji': CustomEvent<{ emoji: string }>;
    /** "Discuter de …": open or create the room of the page's record. */
    'ipp-open-context': CustomEvent<void>;
  }
}

type DetailOf<K extends keyof HTMLElementEventMap> =
  HTMLElementEventMap[K] extends CustomEvent<infer D> ? D : never;

/** Dispatches a typed `ipp-*` event that bubbles and crosses shadow roots. */
export function emit<K extends keyof HTMLElementEventMap>(
  target: EventTarget,
  type: K,
  ...[detail]: DetailOf<K> extends void ? [] : [DetailOf<K>]
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
