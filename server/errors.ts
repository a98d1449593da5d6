import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isUnavailable } from './storage/db';

const titles: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** An RFC 9457 problem, thrown by services and routes and rendered by `onError`. */
export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string) => new Problem(400, detail);
export const forbidden = (detail: string) => new Problem(403, detail);
export const notFound = (what = 'resource') => new Problem(404, `No such ${what}.`);
export const conflict = (detail: string) => new Problem(409, detail);
export const unauthorized = (detail: string) =>
  new Problem(401, detail, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });

/** The JSON of an RFC 9457 problem. */
export const problemBody = (status: number, detail: string) =>
  JSON.stringify({ type: 'about:blank', title: titles[status] ?? 'Error', status, detail });

/** Renders a problem+json response. */
export function problemResponse(c: Context, status: ContentfulStatusCode, detail: string, headers: Record<string, string> = {}) {
  return c.body(problemBody(status, detail), status, { ...headers, 'Content-Type': 'application/problem+json' });
}

/** The one error handler: every failure leaves as problem+json, and only 5xx are logged. */
export const onError: ErrorHandler = (err, c) => {
  if (err instanceof Problem) return problemResponse(c, err.status, err.detail, err.headers);
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const headers = Object.fromEntries(err.getResponse().headers);
    delete headers['content-type'];
    return problemResponse(c, status, err.message || titles[status] || 'Error', headers);
  }
  if (isUnavailable(err)) {
    // One line, not a stack: during an outage every request lands here.
    console.error(`${c.req.method} ${c.req.path}: the database is unavailable`);
    return problemResponse(c, 503, 'The database is unavailable; try again shortly.', { 'Retry-After': '5' });
  }
  console.error(`${c.req.method} ${c.req.path} failed:`, err);
  return problemResponse(c, 500, 'The server could not complete the request.');
};

export const onNotFound: NotFoundHandler = (c) => problemResponse(c, 404, `No route for ${c.req.method} ${c.req.path}.`);
