import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import { describeRoute, resolver, validator } from 'hono-openapi';
import { badRequest } from './errors';
import { problem } from './schemas';

function invalid(target: string, issues: readonly StandardSchemaV1.Issue[]) {
  const issue = issues[0];
  const where = issue?.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.');
  return badRequest(`${target}${where ? `.${where}` : ''}: ${issue?.message ?? 'invalid'}`);
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
