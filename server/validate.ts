import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import { describeRoute, resolver, validator } from 'hono-openapi';
import { badRequest } from './errors';
import { problem } from './schemas';

/** hono-openapi's validator, answering bad input with one problem+json 400. */
export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  return validator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error[0];
      const where = issue?.path?.map((p) => (typeof p === 'object' ? p.key : p)).join('.');
      throw badRequest(`${target}${where ? `.${where}` : ''}: ${issue?.message ?? 'invalid'}`);
    }
  });
}

const json = (schema: StandardSchemaV1) => ({ 'application/json': { schema: resolver(schema) } });
const problems = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, {
  description: 'Problem', content: { 'application/problem+json': { schema: resolver(problem) } },
}]));

/** Documents a route: its summary, its success response and the problems it may answer. */
export function doc(summary: string, ok: { status?: number; schema?: StandardSchemaV1; description?: string } = {}, ...codes: number[]) {
  return describeRoute({
    summary,
    security: [{ bearer: [] }],
    responses: {
      [ok.status ?? 200]: { description: ok.description ?? 'OK', ...(ok.schema ? { content: json(ok.schema) } : {}) },
      ...problems(401, 403, ...codes),
    },
  });
}
