import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';

/** Node's own request and response, when @hono/node-server serves the app (neither under app.request). */
export const nodeEnv = (c: Context) => (c.env ?? {}) as { incoming?: IncomingMessage; outgoing?: ServerResponse };

/**
 * A request header, from Node's own request when served by Node. An event
 * stream keeps its request as long as it is open, and hono's c.req.header()
 * would build a Web Headers copy of all the request's headers and keep it on
 * the request: the headers every request reads (its id, Origin,
 * Authorization, Content-Type) are read here instead. Node keeps the first of
 * repeated singular headers (Authorization among them) and joins the others.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const { incoming } = nodeEnv(c);
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
