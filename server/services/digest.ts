import { and, asc, between, desc, eq, gt, gte, inArray, isNull, lte, ne, or, sql, type Column, type SQL } from 'drizzle-orm';
import type { Db } from '../storage';
import { EMAIL_DELAY, settingsOf, type Settings } from './preferences';
import { presenceOf } from './users';

/**
 * The e-mail digest's reading of existing data: which unread messages a
 * user's preference covers (direct messages and mentions, or every message
 * of their unmuted rooms), found from the read markers, the mentions, the
 * direct rooms and the per-user high-water mark, with no row per recipient
 * and message. Messages older than this are never e-mailed.
 */
export const LOOKBACK_MS = 7 * 24 * 3600_000;

/** An unread message a user's preference covers. */
export interface Notice {
  messageId: number;
  roomId: number;
  createdAt: Date;
}

/** The unread, covered, not yet e-mailed messages of every user, old enough for the shortest delay and not older than `lookbackMs`. */
export async function pendingNotices(db: Db, now: Date, lookbackMs = LOOKBACK_MS): Promise<Map<number, Notice[]>> {
  const { messages, members, mentions, rooms, preferences, emailState } = db.t;
  const byUser = new Map<number, Notice[]>();
  const [first] = await db.orm.select({ id: messages.id }).from(messages)
    .where(gte(messages.createdAt, new Date(now.getTime() - lookbackMs))).orderBy(asc(messages.createdAt), asc(messages.id)).limit(1);
  const [last] = await db.orm.select({ id: messages.id }).from(messages)
    .where(lte(messages.createdAt, new Date(now.getTime() - EMAIL_DELAY.min * 60_000))).orderBy(desc(messages.createdAt), desc(messages.id)).limit(1);
  if (!first || !last || first.id > last.id) return byUser;
  const window = (id: Column) => between(id, first.id, last.id);
  // What every covered message is: someone else's, a person's, not deleted, after the read marker and the
  // high-water mark, for a user who has not turned e-mail off.
  const covered = (userId: Column): SQL => and(
    ne(messages.senderId, userId), eq(messages.isDeleted, false), ne(messages.type, 'system'),
    gt(messages.id, sql`COALESCE(${members.lastReadMessageId}, 0)`),
    gt(messages.id, sql`COALESCE(${emailState.notifiedThrough}, 0)`),
    or(isNull(preferences.email), ne(preferences.email, 'off')),
  )!;
  const fields = { userId: members.userId, messageId: messages.id, roomId: messages.roomId, createdAt: messages.createdAt };
  const [mentioned, direct, all] = await Promise.all([
    // Mentions, muted room or not: the mentions table's key is a range of message ids.
    db.orm.select(fields).from(mentions)
      .innerJoin(messages, eq(messages.id, mentions.messageId))
      .innerJoin(members, and(eq(members.roomId, mentions.roomId), eq(members.userId, mentions.userId)))
      .leftJoin(preferences, eq(preferences.userId, mentions.userId))
      .leftJoin(emailState, eq(emailState.userId, mentions.userId))
      .where(and(window(mentions.messageId), covered(mentions.userId))),
    // Direct messages, unless the conversation is muted.
    db.orm.select(fields).from(messages)
      .innerJoin(rooms, and(eq(rooms.id, messages.roomId), eq(rooms.type, 'direct')))
      .innerJoin(members, and(eq(members.roomId, messages.roomId), eq(members.muted, false)))
      .leftJoin(preferences, eq(preferences.userId, members.userId))
      .leftJoin(emailState, eq(emailState.userId, members.userId))
      .where(and(window(messages.id), covered(members.userId))),
    // Every message of the unmuted rooms of the few who chose "all": from their preference rows, room by room.
    db.orm.select(fields).from(preferences)
      .innerJoin(members, and(eq(members.userId, preferences.userId), eq(members.muted, false)))
      .innerJoin(messages, and(eq(messages.roomId, members.roomId), window(messages.id)))
      .leftJoin(emailState, eq(emailState.userId, preferences.userId))
      .where(and(eq(preferences.email, 'all'), covered(members.userId))),
  ]);
  const seen = new Set<string>();
  for (const r of [...mentioned, ...direct, ...all]) {
    const key = `${r.userId}:${r.messageId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const notice = { messageId: r.messageId, roomId: r.roomId, createdAt: r.createdAt };
    byUser.get(r.userId)?.push(notice) ?? byUser.set(r.userId, [notice]);
  }
  for (const list of byUser.values()) list.sort((a, b) => a.messageId - b.messageId);
  return byUser;
}

/** Where the digest stands for a user (no row: never e-mailed). */
export interface MailState {
  notifiedThrough: number;
  lastSentAt: Date | null;
  failures: number;
  retryAt: Date | null;
}

/** What to do for one user in this pass. */
export type Decision =
  | { kind: 'wait' }
  /** Nothing to e-mail, but these messages never will be (seen in the app, or no address): the mark moves past them. */
  | { kind: 'skip'; through: number }
  /** E-mail these messages, then move the mark to `through`. */
  | { kind: 'send'; notices: Notice[]; through: number; settings: Settings };

/**
 * One user's decision: e-mail the covered messages older than their delay
 * that arrived after they last had the app open, unless they have it open
 * now, were e-mailed within their delay, or a failed e-mail waits for its retry.
 */
export function decide(notices: Notice[], f: {
  now: Date; settings: Settings; state?: MailState; online: boolean; lastSeenAt: Date | null; mailable: boolean;
}): Decision {
  const delayMs = f.settings.emailDelayMinutes * 60_000;
  if (f.online || f.settings.email === 'off') return { kind: 'wait' };
  const due = notices.filter((n) => n.createdAt.getTime() <= f.now.getTime() - delayMs);
  const seen = due.filter((n) => f.lastSeenAt && n.createdAt.getTime() <= f.lastSeenAt.getTime());
  const fresh = due.filter((n) => !seen.includes(n));
  const maxId = (list: Notice[]) => Math.max(...list.map((n) => n.messageId));
  if (!f.mailable) return due.length ? { kind: 'skip', through: maxId(due) } : { kind: 'wait' };
  if (!fresh.length) return seen.length ? { kind: 'skip', through: maxId(seen) } : { kind: 'wait' };
  const { state } = f;
  if (state?.retryAt && state.retryAt > f.now) return { kind: 'wait' };
  if (state?.lastSentAt && f.now.getTime() - state.lastSentAt.getTime() < delayMs) return { kind: 'wait' };
  return { kind: 'send', notices: fresh, through: maxId(due), settings: f.settings };
}

/** For a pass: each of these users' settings, mail state and presence, in a few queries. */
export async function usersFacts(db: Db, userIds: number[]) {
  const { emailState } = db.t;
  const [settings, states, presence, mailboxes] = await Promise.all([
    settingsOf(db, userIds),
    userIds.length ? db.orm.select().from(emailState).where(inArray(emailState.userId, userIds)) : [],
    presenceOf(db, userIds),
    db.users.mailboxes(userIds),
  ]);
  return { settings, states: new Map(states.map((s) => [s.userId, s as MailState])), presence, mailboxes };
}

/** Moves a user's high-water mark (never back) and notes an e-mail sent, or a failure to retry at `retryAt`. */
export async function recordState(db: Db, userId: number, state: MailState): Promise<void> {
  const { emailState } = db.t;
  await db.upsert(emailState, { userId, ...state }, emailState.userId, state);
}
