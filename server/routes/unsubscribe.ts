import { Hono } from 'hono';
import { html } from 'hono/html';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import type { MailConfig } from '../env';
import { readUnsubscribeToken } from '../mail/links';
import { mailLang, wordsOf, type MailLang } from '../mail/strings';
import { badRequest } from '../services/errors';
import { updateSettings } from '../services/preferences';
import { headers as h, problemResponse, valid } from '../validate';

// A path segment, not a query parameter: what the link holds opens this page only, and routes are logged by pattern.
const param = z.object({ link: z.string().min(1).max(2000).describe('The signed part of the e-mail\'s link') });
const page = { 'text/html': { schema: { type: 'string' as const } } };
// The page loads nothing and posts only to itself.
const PAGE_HEADERS = { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'", 'Cache-Control': 'no-store' };

const docs = (summary: string, description: string) => describeRoute({
  summary, description, security: [],
  parameters: [{ in: 'path', name: 'link', required: true, schema: { type: 'string' } }],
  responses: {
    200: { description: 'A small HTML page in the user\'s language', headers: h.requestId, content: page },
    400: problemResponse(400, 'Problem: the link is forged, expired, or for a user who no longer exists'),
    500: problemResponse(500), 503: problemResponse(503),
  },
});

/**
 * /unsubscribe/:link: the e-mails' one-click unsubscribe link (RFC 8058). Its
 * last segment is signed by the server for one user and this one purpose (no session):
 * GET shows a confirmation form, POST (the form, or a mail client's one
 * click) turns the user's e-mail notifications off. Only when e-mail is on.
 */
export function unsubscribeRoutes({ db }: AppDeps, mail: MailConfig) {
  async function holder(link: string) {
    const claims = await readUnsubscribeToken(mail.linkKey, link);
    if (!claims || !(await db.users.byIds([claims.userId])).has(claims.userId)) {
      throw badRequest('This unsubscribe link is invalid or expired.', { reason: 'invalid-link', field: 'param.link' });
    }
    return { userId: claims.userId, lang: mailLang(claims.lang, mail.lang) };
  }
  const render = (lang: MailLang, body: ReturnType<typeof html>) => String(html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${wordsOf(lang).page.title}</title>
<style>body{margin:0;background:#f3f5f9;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1b2430}
main{max-width:28rem;margin:3rem auto;background:#fff;border:1px solid #d5dbe5;border-radius:12px;overflow:hidden}
h1{margin:0;padding:1rem 1.5rem;background:#0f2b5b;color:#fff;font-size:1.1rem;border-bottom:3px solid #f28c00}
p,form{margin:1.25rem 1.5rem}button{font:inherit;font-weight:600;background:#0f2b5b;color:#fff;border:0;border-radius:8px;padding:.6rem 1.1rem;cursor:pointer}
button:focus-visible{outline:3px solid #c45500;outline-offset:2px}</style></head>
<body><main><h1>${wordsOf(lang).page.title}</h1>${body}</main></body></html>`);

  return new Hono()
    .get('/:link', docs('The unsubscribe page of an e-mail\'s link', 'Public: the signed link is the credential (signed for one user, for this only). Shows a form that POSTs here.'),
      valid('param', param), async (c) => {
        const { lang } = await holder(c.req.valid('param').link);
        const w = wordsOf(lang).page;
        // No action: the form posts to this very URL, its signed segment included.
        return c.html(render(lang, html`<p>${w.ask}</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${w.confirm}</button></form>`), 200, PAGE_HEADERS);
      })
    .post('/:link', docs('One-click unsubscribe (RFC 8058): turns the link\'s user\'s e-mail notifications off', 'Public: the signed link is the credential. The body (`List-Unsubscribe=One-Click`) is not needed.'),
      valid('param', param), async (c) => {
        const { userId, lang } = await holder(c.req.valid('param').link);
        await updateSettings(db, userId, { email: 'off' });
        return c.html(render(lang, html`<p role="status">${wordsOf(lang).page.done}</p>`), 200, PAGE_HEADERS);
      });
}
