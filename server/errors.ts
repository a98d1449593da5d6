import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ChatError, problemStatus, type ProblemCode, type ProblemFacts } from './services/errors';
import type { Logger } from './log';
import { isUnavailable } from './storage';

const titles: Record<ProblemCode, string> = {
  'bad-request': 'Bad Request', unauthorized: 'Unauthorized', forbidden: 'Forbidden', 'not-found': 'Not Found',
  conflict: 'Conflict', 'too-large': 'Content Too Large', 'unsupported-type': 'Unsupported Media Type',
  'rate-limited': 'Too Many Requests', internal: 'Internal Server Error', unavailable: 'Service Unavailable',
};

const codeOf = (status: number): ProblemCode =>
  (Object.keys(problemStatus) as ProblemCode[]).find((c) => problemStatus[c] === status) ?? (status >= 500 ? 'internal' : 'bad-request');

/** The JSON of an RFC 9457 problem: a stable `type` and `code`, the status, a detail for developers, and facts for clients. */
export function problemBody(code: ProblemCode, detail: string, facts: ProblemFacts = {}, status: number = problemStatus[code]) {
  return JSON.stringify({ type: `urn:ipp-chat:problem:${code}`, code, title: titles[code], status, detail, ...facts });
}

/** The headers a problem needs: Retry-After for a wait, WWW-Authenticate for a refused token. */
export function problemHeaders(code: ProblemCode, facts: ProblemFacts = {}): Record<string, string> {
  return {
    'Content-Type': 'application/problem+json',
    ...(facts.retryAfter ? { 'Retry-After': String(facts.retryAfter) } : {}),
    ...(code === 'unauthorized' ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {}),
  };
}

function respond(c: Context, code: ProblemCode, detail: string, facts: ProblemFacts = {}, status: number = problemStatus[code], extra: Record<string, string> = {}) {
  return c.body(problemBody(code, detail, facts, status), status as ContentfulStatusCode, { ...extra, ...problemHeaders(code, facts) });
}

/**
 * The one error handler: every failure leaves as problem+json, and only 5xx
 * are logged, on the request's logger (so with its request id): a 500 with
 * its stack (never in the answer), a 503 as one line.
 */
export function errorHandler({ logger, unavailable }: { logger: Logger; unavailable?: () => void }): ErrorHandler {
  return (err, c) => {
    if (err instanceof ChatError) return respond(c, err.code, err.detail, err.facts);
    if (err instanceof HTTPException) {
      const headers = Object.fromEntries(err.getResponse().headers);
      delete headers['content-type'];
      const code = codeOf(err.status);
      return respond(c, code, err.message || titles[code], {}, err.status, headers);
    }
    // The request's id on the line (a child logger is made here, for the rare failure, not for every request).
    const requestId = c.get('requestId') as string | undefined;
    const log = requestId ? logger.child({ requestId }) : logger;
    if (isUnavailable(err)) {
      unavailable?.();
      // One line, not a stack: during an outage every request lands here.
      log.warn({ method: c.req.method, path: c.req.path }, 'the database is unavailable');
      return respond(c, 'unavailable', 'The database is unavailable; try again shortly.', { reason: 'database', retryAfter: 5 });
    }
    log.error({ err, method: c.req.method, path: c.req.path }, 'request failed');
    return respond(c, 'internal', 'The server could not complete the request.');
  };
}

export const onNotFound: NotFoundHandler = (c) => respond(c, 'not-found', `No route for ${c.req.method} ${c.req.path}.`, { reason: 'route' });
