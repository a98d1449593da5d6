import { html } from 'hono/html';
import { wordsOf, type MailLang } from './strings';

/** A message as the e-mail quotes it: its text already plain (mentions as @Name). */
export interface DigestMessage {
  senderName: string;
  text: string;
  at: Date;
}

/** A room of the digest: its unread messages' count and the latest of them, oldest first. */
export interface DigestRoom {
  roomId: number;
  name: string;
  count: number;
  latest: DigestMessage[];
}

/** Everything one e-mail says. */
export interface Digest {
  name: string;
  lang: MailLang;
  mode: 'mentions' | 'all';
  rooms: DigestRoom[];
  /** Rooms left out of the listing (it shows the most recent ones). */
  moreRooms: number;
  appUrl: string;
  unsubscribeUrl: string;
  timeZone: string;
}

/** The e-mail's parts. */
export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

/** Where a room opens in the host app (the Flask kit's /chat/<room_id> page). */
export const roomUrl = (appUrl: string, roomId: number) => `${appUrl}/chat/${roomId}`;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** A date format per language and time zone, made once (making one costs more than formatting with it). */
function formatter(lang: MailLang, timeZone: string): Intl.DateTimeFormat {
  const key = `${lang} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone })));
  return f;
}

/** The digest as a subject, a plain-text part and an HTML part (every user text escaped). */
export function composeDigest(d: Digest): ComposedMail {
  const w = wordsOf(d.lang);
  const total = d.rooms.reduce((n, r) => n + r.count, 0);
  const when = formatter(d.lang, d.timeZone);
  const names = d.rooms.slice(0, 2).map((r) => r.name).join(', ') + (d.rooms.length + d.moreRooms > 2 ? '…' : '');
  // French puts a (narrow) space before a colon.
  const colon = d.lang === 'fr' ? '\u202f: ' : ': ';
  const subject = `${w.unread(total)}${colon}${names}`;
  const chatUrl = `${d.appUrl}/chat`;

  const text = [
    w.hello(d.name), w.intro, '',
    ...d.rooms.flatMap((r) => [
      `■ ${r.name} (${w.unread(r.count)})`,
      ...r.latest.map((m) => `  ${when.format(m.at)} ${m.senderName}${colon}${m.text}`),
      ...(r.count > r.latest.length ? [`  … ${w.more(r.count - r.latest.length)}`] : []),
      `  ${w.open}${colon}${roomUrl(d.appUrl, r.roomId)}`,
      '',
    ]),
    ...(d.moreRooms ? [w.moreRooms(d.moreRooms), ''] : []),
    `${w.openChat}${colon}${chatUrl}`, '', '-- ', w.why[d.mode], w.settings, `${w.unsubscribe}${colon}${d.unsubscribeUrl}`,
  ].join('\n');

  const navy = '#0f2b5b';
  const body = html`<!doctype html>
<html lang="${d.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${subject}</title></head>
<body style="margin:0;padding:0;background:#f3f5f9;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b2430">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f5f9"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#fff;border:1px solid #d5dbe5;border-radius:12px;overflow:hidden">
<tr><td style="background:${navy};color:#fff;padding:16px 24px;font-size:18px;font-weight:600;border-bottom:3px solid #f28c00">${w.unread(total)}</td></tr>
<tr><td style="padding:20px 24px 4px"><p style="margin:0 0 4px">${w.hello(d.name)}</p><p style="margin:0;color:#5d6878">${w.intro}</p></td></tr>
${d.rooms.map((r) => html`<tr><td style="padding:16px 24px 0">
<div style="border:1px solid #d5dbe5;border-radius:12px;padding:12px 16px">
<div style="font-weight:600;color:${navy};margin-bottom:8px">${r.name} <span style="font-weight:400;color:#5d6878">· ${w.unread(r.count)}</span></div>
${r.latest.map((m) => html`<div style="margin:0 0 8px"><div style="font-size:13px;color:#5d6878"><strong style="color:#1b2430">${m.senderName}</strong> · ${when.format(m.at)}</div><div style="white-space:pre-wrap;word-break:break-word">${m.text}</div></div>`)}
${r.count > r.latest.length ? html`<div style="font-size:13px;color:#5d6878;margin-bottom:8px">… ${w.more(r.count - r.latest.length)}</div>` : ''}
<a href="${roomUrl(d.appUrl, r.roomId)}" style="display:inline-block;background:${navy};color:#fff;text-decoration:none;padding:8px 14px;border-radius:8px;font-weight:600">${w.open}</a>
</div></td></tr>`)}
${d.moreRooms ? html`<tr><td style="padding:12px 24px 0;color:#5d6878">${w.moreRooms(d.moreRooms)} <a href="${chatUrl}" style="color:${navy}">${w.openChat}</a></td></tr>` : ''}
<tr><td style="height:20px"></td></tr>
<tr><td style="padding:16px 24px 20px;font-size:12px;color:#5d6878;border-top:1px solid #d5dbe5">
<p style="margin:0 0 4px">${w.why[d.mode]} ${w.settings}</p>
<p style="margin:0"><a href="${d.unsubscribeUrl}" style="color:#5d6878">${w.unsubscribe}</a></p>
</td></tr></table></td></tr></table></body></html>`;
  return { subject, text, html: String(body) };
}
