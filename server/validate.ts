import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import { describeRoute, resolver, validator } from 'hono-openapi';
import { badRequest } from './services/errors';
import { z } from 'zod';
import { problem } from './services/views';

/** A positive integer id in a path or a form, as a number. */
export const idString = z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer id').transform(Number);
/** A positive integer id in a JSON body. */
export const idNumber = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** The `:id` of a resource's path. */
export const idParam = z.object({ id: idString });
/** A `limit` query parameter between 1 and max. */
export const limitQuery = (max: number) => z.string().regex(/^[0-9]{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(max));

function invalid(target: string, issues: readonly StandardSchemaV1.Issue[]) {
  const issue = issues[0];
  const where = issue?.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.');
  const field = `${target}${where ? `.${where}` : ''}`;
  return badRequest(`${field}: ${issue?.message ?? 'invalid'}`, { reason: 'invalid-input', field });
}

/** hono-openapi's validator, answering bad input with one problem+json 400. */
export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  return validator(target, schema, (result) => {
    if (!result.success) throw invalid(target, result.error);
  });
}

/** Validates a value in a handler (where the body's type decides the schema), with the same 400. */
export async function parse<S extends StandardSchemaV1>(target: string, schema: S, value: unknown): Promise<StandardSchemaV1.InferOutput<S>> {
  const result = await schema['~standard'].validate(value);
  if (result.issues) throw invalid(target, result.issues);
  return result.value;
}

const json = (schema: StandardSchemaV1) => ({ 'application/json': { schema: resolver(schema) } });

/** A response header as the document declares it. */
export interface HeaderDoc {
  description: string;
  required?: boolean;
  schema: { type: 'string' | 'integer'; pattern?: string; enum?: string[]; minimum?: number };
}

/** The headers clients rely on, declared where they are sent. */
export const headers = {
  /** On every answer (server/http-log.ts). */
  requestId: {
    'X-Request-Id': {
      description: 'The request id: the one sent, when it was a plain token (letters, digits, `_-=`, 255 at most), else a new one. Logged with the request.',
      required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_=-]{1,255}$' },
    },
  } as Record<string, HeaderDoc>,
  retryAfter: { 'Retry-After': { description: 'Seconds to wait before trying again', required: true, schema: { type: 'integer', minimum: 1 } } } as Record<string, HeaderDoc>,
  wwwAuthenticate: { 'WWW-Authenticate': { description: 'How to authenticate: a Bearer token', required: true, schema: { type: 'string', pattern: '^Bearer' } } } as Record<string, HeaderDoc>,
  etag: { ETag: { description: 'Send it back in `If-None-Match` to get a 304 while nothing changed', required: true, schema: { type: 'string' } } } as Record<string, HeaderDoc>,
  cacheControl: (value: string): Record<string, HeaderDoc> => ({ 'Cache-Control': { description: `\`${value}\``, required: true, schema: { type: 'string', enum: [value] } } }),
};

const problemText: Record<number, string> = {
  400: 'Problem: the input is invalid (a path or query parameter, the body, its JSON)',
  401: 'Problem: no token, or one that is invalid or expired',
  403: 'Problem: a permission the token lacks, a room role, or a user who is not active',
  404: 'Problem: no such resource, or one the caller may not see',
  409: 'Problem: the request conflicts with the state of the resource',
  413: 'Problem: the body, a field or a file is too large, or too many files',
  415: 'Problem: a media type that is not accepted',
  429: 'Problem: a rate limit was reached; wait `Retry-After` seconds',
  500: 'Problem: the server failed (the stack is in its log, with the request id)',
  503: 'Problem: the database is unavailable; wait `Retry-After` seconds',
};

/**
 * A problem+json response of a status, with the headers that go with it;
 * `byRef` points at the Problem component instead of resolving the schema
 * (for the document's options, which are copied as they are).
 */
export function problemResponse(status: number, description = problemText[status] ?? 'Problem', byRef = false) {
  return {
    description,
    headers: {
      ...headers.requestId,
      ...(status === 401 ? headers.wwwAuthenticate : {}),
      ...(status === 429 || status === 503 ? headers.retryAfter : {}),
    },
    content: { 'application/problem+json': { schema: byRef ? { $ref: '#/components/schemas/Problem' } : resolver(problem) } },
  };
}

const problems = (...codes: number[]) => Object.fromEntries([...new Set(codes)].sort().map((code) => [code, problemResponse(code)]));

/** What every route behind the token may answer: a refused token or user, a failure, the database down. */
const AUTHENTICATED = [401, 403, 500, 503];

/**
 * Documents a route behind the token: its summary, its success response
 * (`also`: other success statuses with the same body, e.g. 200 for an
 * existing room beside 201 for a new one), its headers, and the problems it
 * may answer beyond 401, 403, 500 and 503 (400 is added for routes with a
 * validator, by the document's default; list it when the route has none).
 */
export function doc(
  summary: string,
  ok: {
    status?: number; schema?: StandardSchemaV1; description?: string; body?: Record<string, StandardSchemaV1>;
    also?: Record<number, string>; headers?: Record<string, HeaderDoc>;
    /** The success body's media types, when it is not JSON. */
    content?: Record<string, { schema: Record<string, unknown> }>;
    /** Other answers, e.g. a 304. */
    more?: Record<number, { description: string; headers?: Record<string, HeaderDoc> }>;
    parameters?: { in: 'header' | 'query'; name: string; required: boolean; description?: string; schema: Record<string, unknown> }[];
    /** The token the route takes, when not a user's (`bearer`). */
    security?: Record<string, string[]>[];
  } = {},
  ...codes: number[]
) {
  const content = ok.schema ? json(ok.schema) : ok.content;
  const success = { ...(content ? { content } : {}), headers: { ...headers.requestId, ...ok.headers } };
  return describeRoute({
    summary,
    ...(ok.parameters ? { parameters: ok.parameters } : {}),
    ...(ok.body ? {
      requestBody: { required: true, content: Object.fromEntries(Object.entries(ok.body).map(([type, schema]) => [type, { schema: resolver(schema) }])) },
    } : {}),
    security: ok.security ?? [{ bearer: [] }],
    responses: {
      [ok.status ?? 200]: { description: ok.description ?? 'OK', ...success },
      ...Object.fromEntries(Object.entries(ok.also ?? {}).map(([status, description]) => [status, { description, ...success }])),
      ...Object.fromEntries(Object.entries(ok.more ?? {}).map(([status, r]) => [status, { ...r, headers: { ...headers.requestId, ...r.headers } }])),
      ...problems(...AUTHENTICATED, ...codes),
    },
  });
}

