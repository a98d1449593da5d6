import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { PresenceChange } from './presence';

/** What one instance tells the others through Redis, and hears from them. */
export interface RedisLink {
  /** Events were committed here: the others should read the outbox. */
  publishWake(): void;
  /** A typing frame for a room's members, delivered by every other instance. */
  publishTyping(roomId: number, userId: number, frame: string): void;
  /** A presence change, delivered by every other instance to its streams of the user's room mates. */
  publishPresence(change: PresenceChange): void;
  close(): void;
}

export interface RedisHandlers {
  /** Another instance committed events, or Redis is back after an outage (something may have been missed). */
  onWake(): void;
  onTyping(roomId: number, userId: number, frame: string): void;
  onPresence(change: PresenceChange): void;
  /** A connection or command failed (the hub logs the first of an outage and counts them all). */
  onError(err: unknown): void;
  /** The publishing connection is up (again): it has woken the others for what it could not tell them. */
  onReady(): void;
}

/**
 * Connects the hub to Redis pub/sub on `{prefix}:events` (wake-ups) and
 * `{prefix}:typing`. Redis is only a wake-up: the outbox is the truth, so a
 * failed publish costs at most the hub's poll interval, never an event.
 */
export function connectRedis(url: string, prefix: string, on: RedisHandlers): RedisLink {
  const wakeChannel = `${prefix}:events`;
  const typingChannel = `${prefix}:typing`;
  const presenceChannel = `${prefix}:presence`;
  const instance = randomUUID();
  const failed = (err: unknown) => on.onError(err);
  // No offline queue: while Redis is down, commands fail at once instead of piling up.
  const pub = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const sub = new Redis(url, { maxRetriesPerRequest: null });
  for (const conn of [pub, sub]) conn.on('error', failed);
  const publish = (channel: string, message: string) => { pub.publish(channel, message).catch(failed); };
  // Back after an outage, each side makes good what it may have missed: the subscriber reads the outbox, and the
  // publisher wakes the others once, for the wake-ups that failed while it was down (this instance's own commits).
  pub.on('ready', () => { on.onReady(); publish(wakeChannel, ''); });
  sub.on('ready', () => on.onWake());
  sub.subscribe(wakeChannel, typingChannel, presenceChannel).catch(failed);
  sub.on('message', (channel: string, message: string) => {
    if (channel === wakeChannel) return on.onWake();
    try {
      const m = JSON.parse(message);
      if (m.from === instance) return;
      if (channel === typingChannel) on.onTyping(m.roomId, m.userId, m.frame);
      else if (channel === presenceChannel) on.onPresence(m.change);
    } catch { /* not one of ours */ }
  });
  return {
    publishWake: () => publish(wakeChannel, ''),
    publishTyping: (roomId, userId, frame) => publish(typingChannel, JSON.stringify({ from: instance, roomId, userId, frame })),
    publishPresence: (change) => publish(presenceChannel, JSON.stringify({ from: instance, change })),
    close() {
      // disconnect(), not quit(): quit would wait for a Redis that may be down.
      pub.disconnect();
      sub.disconnect();
    },
  };
}
