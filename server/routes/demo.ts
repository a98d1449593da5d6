import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { DEMO_RECORDS, demoChatPage, demoPage } from '../../demo/page';
import { DEMO_USERS, demoPerms } from '../../demo/seed';
import type { Deps } from '../deps';
import { demoAsset } from '../paths';
import { badRequest } from '../services/errors';
import { idString, parse } from '../validate';

const asset = (name: string) => new Uint8Array(readFileSync(demoAsset(name)));
const userQuery = z.object({
  user: z.string().regex(/^[1-9][0-9]?$/, 'must be a demo user id').transform(Number)
    .refine((id) => DEMO_USERS.some((u) => u.id === id), 'must be a demo user id').default(1),
});

const pageQuery = userQuery.extend({
  record: z.string().refine((id) => Object.hasOwn(DEMO_RECORDS, id), 'must be a demo invoice id').optional(),
});

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Demo mode only (createApp mounts it only then): the mock host page and its token route. */
export function demoRoutes({ config }: Deps) {
  if (config.jwtKey.kind !== 'secret') throw new Error('demo mode signs its tokens with CHAT_JWT_SECRET');
  const key = new TextEncoder().encode(config.jwtKey.secret);
  const js = asset('demo.js');
  const css = asset('demo.css');
  return new Hono()
    .get('/demo/', async (c) => {
      const { user, record } = await parse('query', pageQuery, c.req.query());
      c.header('Content-Security-Policy', CSP);
      return c.html(demoPage(user, record));
    })
    // The seed's /chat page: the conversation page, at a room's address when one is open.
    .get('/demo/chat/:room{[0-9]*}?', async (c) => {
      const { user } = await parse('query', userQuery, c.req.query());
      const room = c.req.param('room') ? await parse('path', idString, c.req.param('room')) : undefined;
      c.header('Content-Security-Policy', CSP);
      return c.html(demoChatPage(user, room));
    })
    .get('/demo/token', async (c) => {
      const { user } = await parse('query', userQuery, c.req.query());
      const person = DEMO_USERS.find((u) => u.id === user);
      if (!person) throw badRequest('unknown demo user');
      // What the host's token route does for its logged-in user: short-lived, with their permissions.
      const token = await new SignJWT({ name: person.full_name, perms: demoPerms(user) })
        .setProtectedHeader({ alg: 'HS256' }).setSubject(String(user)).setAudience(config.CHAT_JWT_AUDIENCE)
        .setIssuedAt().setExpirationTime('15m')
        .sign(key);
      c.header('Cache-Control', 'no-store');
      return c.json({ token });
    })
    .get('/demo/demo.js', (c) => c.body(js, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }))
    .get('/demo/demo.css', (c) => c.body(css, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
}
