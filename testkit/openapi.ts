import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/*
 * Checks answers against the OpenAPI document the server serves: the status
 * is documented for the operation, so is the media type, the body matches
 * the schema, and the headers the document requires are there and well
 * formed. The server tests' client (tests/server/harness.ts) checks every
 * answer with it; tests/server/contract.test.ts drives every operation and
 * status through it.
 */

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule);

interface HeaderDoc { required?: boolean; schema?: Record<string, unknown> }
interface ResponseDoc { headers?: Record<string, HeaderDoc>; content?: Record<string, { schema?: unknown }> }
interface OperationDoc { responses: Record<string, ResponseDoc> }
export interface OpenApiDoc { openapi: string; paths: Record<string, Record<string, OperationDoc>> }

/** An answer as a client saw it. */
export interface Answer {
  method: string;
  /** The path called, without its query: /api/chat/rooms/12 */
  path: string;
  status: number;
  headers: Headers;
  /** The body's text (left out for an event stream). */
  text?: string;
}

/** The documented operation a request lands on: the path template and method, e.g. `GET /api/chat/rooms/{id}`. */
export interface Operation { template: string; method: string; doc: OperationDoc }

const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

export function responseChecker(doc: OpenApiDoc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc as object, 'openapi.json');
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (ref: string) => {
    let v = compiled.get(ref);
    if (!v) compiled.set(ref, (v = ajv.compile({ $ref: `openapi.json#/${ref}` })));
    return v;
  };
  // Templates without parameters first: /rooms/{id}/me is not /rooms/{id}/{something}.
  const templates = Object.keys(doc.paths)
    .map((template) => ({ template, re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`) }))
    .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));

  /** The documented operation of a request, if there is one. */
  function operation(method: string, path: string): Operation | undefined {
    const m = method.toLowerCase();
    for (const { template, re } of templates) {
      if (re.test(path) && doc.paths[template][m]) return { template, method: m, doc: doc.paths[template][m] };
    }
    return undefined;
  }

  /** What is wrong with an answer, by the document (nothing: an empty list). Undefined when the request is no documented operation. */
  function check(a: Answer): string[] | undefined {
    const op = operation(a.method, a.path);
    if (!op) return undefined;
    const where = `${a.method.toUpperCase()} ${op.template} → ${a.status}`;
    const response = op.doc.responses[String(a.status)];
    if (!response) return [`${where}: status not documented (documented: ${Object.keys(op.doc.responses).join(', ')})`];
    const problems: string[] = [];
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = a.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${where}: header ${name} is documented as always sent, and is missing`);
        continue;
      }
      if (!header.schema) continue;
      const v = validatorAt(pointer('paths', op.template, op.method, 'responses', String(a.status), 'headers', name, 'schema'));
      const typed = header.schema.type === 'integer' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
      if (!v(typed)) problems.push(`${where}: header ${name}: ${JSON.stringify(value)} ${ajv.errorsText(v.errors)}`);
    }
    const type = a.headers.get('content-type')?.split(';')[0].trim().toLowerCase();
    const content = response.content ?? {};
    const hasBody = a.text === undefined ? Boolean(type) : a.text.length > 0;
    if (!Object.keys(content).length) {
      if (hasBody) problems.push(`${where}: a body (${type}) where the document has none`);
      return problems;
    }
    const media = type && (content[type] ? type : Object.keys(content).find((k) => k === '*/*' || (k.endsWith('/*') && type.startsWith(k.slice(0, -1)))));
    if (!media) return [...problems, `${where}: content type ${type ?? 'none'} not documented (documented: ${Object.keys(content).join(', ')})`];
    if (a.text === undefined || !content[media].schema) return problems;
    let body: unknown = a.text;
    if (/[/+]json$/.test(media)) {
      try {
        body = JSON.parse(a.text);
      } catch {
        return [...problems, `${where}: the ${media} body is not JSON`];
      }
    } else if (!media.startsWith('text/')) {
      // Bytes (a file, a picture): whatever they hold is what the schema's "string" means.
      return problems;
    }
    const v = validatorAt(pointer('paths', op.template, op.method, 'responses', String(a.status), 'content', media, 'schema'));
    if (!v(body)) problems.push(`${where}: body ${ajv.errorsText(v.errors)}: ${a.text.slice(0, 300)}`);
    return problems;
  }

  return { operation, check };
}

/** Reads an answer for the checker without consuming it (an event stream's body is left alone). */
export async function answerOf(method: string, url: string, res: Response): Promise<Answer> {
  const path = new URL(url, 'http://x').pathname;
  const stream = res.headers.get('content-type')?.startsWith('text/event-stream');
  return { method, path, status: res.status, headers: res.headers, text: stream ? undefined : await res.clone().text() };
}
