import type { Message } from './types';

/** `<@ID>` mentions a member, `<@all>` everyone (docs/api.md, Mentions). */
export const MENTION = /<@(all|[1-9][0-9]{0,15})>/g;

/**
 * Whether a mention written in a message took effect: `<@ID>` of a member it
 * mentions, `<@all>` when it mentions someone not named one by one (an
 * `<@all>` of a moderator). Any other is text, shown as written.
 */
export function mentionHolds(m: Pick<Message, 'content' | 'mentions'>, who: string): boolean {
  const ids = m.mentions ?? [];
  return who === 'all' ? ids.some((id) => !m.content.includes(`<@${id}>`)) : ids.includes(Number(who));
}

/** A message's text as people read it (a notification, a preview): its mentions as `@Name`. */
export function plainText(m: Pick<Message, 'content' | 'mentions'>, nameOf: (id: number) => string, everyone: string): string {
  return m.content.replace(MENTION, (text, who: string) => (!mentionHolds(m, who) ? text : `@${who === 'all' ? everyone : nameOf(Number(who))}`));
}

/** A quote of a message (a reply's excerpt), whose mentions are not known: every one shown as `@Name`. */
export const excerptText = (text: string, nameOf: (id: number) => string, everyone: string) =>
  text.replace(MENTION, (_, who: string) => `@${who === 'all' ? everyone : nameOf(Number(who))}`);
