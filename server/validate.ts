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
const problems = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, {
  description: 'Problem', content: { 'application/problem+json': { schema: resolver(problem) } },
}]));

/** Documents a route: its summary, its success response and the problems it may answer. */
export function doc(
  summary: string,
  ok: { status?: number; schema?: StandardSchemaV1; description?: string; body?: Record<string, StandardSchemaV1> } = {},
  ...codes: number[]
) {
  return describeRoute({
    summary,
    ...(ok.body ? {
      requestBody: { required: true, content: Object.fromEntries(Object.entries(ok.body).map(([type, schema]) => [type, { schema: resolver(schema) }])) },
    } : {}),
    security: [{ bearer: [] }],
    responses: {
      [ok.status ?? 200]: { description: ok.description ?? 'OK', ...(ok.schema ? { content: json(ok.schema) } : {}) },
      ...problems(401, 403, ...codes),
    },
  });
}
