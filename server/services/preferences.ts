import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { emailModes } from '../../drizzle/enums';
import type { Db } from '../storage';

/** The delays a user may choose between an unread message and its e-mail, in minutes (a day at most). */
export const EMAIL_DELAY = { min: 5, max: 1440 } as const;

/** A user's notification preferences, as the API answers them. */
export const preferences = z.object({
  email: z.enum(emailModes).describe('What is e-mailed while away: `mentions` (direct messages and mentions), `all` (every unread message of unmuted rooms, and mentions) or `off`'),
  emailDelayMinutes: z.number().int().min(EMAIL_DELAY.min).max(EMAIL_DELAY.max).describe('How long a message stays unread before it is e-mailed, and the least time between two e-mails'),
  sound: z.boolean().describe('Whether the widget plays a sound for a notification'),
  emailAvailable: z.boolean().describe('Whether this server sends e-mail and knows an address for the user (read-only)'),
}).meta({ id: 'Preferences' });

/** What PATCH /me/preferences changes: any of the settable fields. */
export const preferencesPatch = z.strictObject({
  email: preferences.shape.email.optional(),
  emailDelayMinutes: preferences.shape.emailDelayMinutes.optional(),
  sound: preferences.shape.sound.optional(),
});

export type PreferencesView = z.output<typeof preferences>;
export type Settings = Omit<PreferencesView, 'emailAvailable'>;

/** What a user gets without a row of their own. */
export const DEFAULT_SETTINGS: Settings = { email: 'mentions', emailDelayMinutes: 15, sound: true };

/** The settings of these users, defaults for those who never chose. */
export async function settingsOf(db: Db, userIds: number[]): Promise<Map<number, Settings>> {
  const { preferences: p } = db.t;
  const rows = userIds.length ? await db.orm.select().from(p).where(inArray(p.userId, userIds)) : [];
  const byUser = new Map(rows.map((r) => [r.userId, { email: r.email, emailDelayMinutes: r.emailDelayMinutes, sound: r.sound }]));
  return new Map(userIds.map((id) => [id, byUser.get(id) ?? DEFAULT_SETTINGS]));
}

/** One user's settings. */
export async function getSettings(db: Db, userId: number): Promise<Settings> {
  return (await settingsOf(db, [userId])).get(userId)!;
}

/** Changes some of a user's settings (a validated patch) and answers them all. */
export async function updateSettings(db: Db, userId: number, patch: Partial<Settings>): Promise<Settings> {
  const { preferences: p } = db.t;
  return db.transaction(async (tx) => {
    const [row] = await tx.orm.select().from(p).where(eq(p.userId, userId));
    const next: Settings = { ...(row ? { email: row.email, emailDelayMinutes: row.emailDelayMinutes, sound: row.sound } : DEFAULT_SETTINGS), ...patch };
    await tx.upsert(p, { userId, ...next, updatedAt: new Date() }, p.userId, { ...next, updatedAt: new Date() });
    return next;
  });
}
