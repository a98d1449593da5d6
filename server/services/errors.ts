/**
 * The failures the services report, independent of HTTP. Each code is
 * answered with one status (server/errors.ts renders them as problem+json,
 * `type: urn:ipp-chat:problem:<code>`); `reason` and the other facts say more,
 * for a client to word the failure in its own language.
 */
export const problemStatus = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'unsupported-type': 415,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ProblemCode = keyof typeof problemStatus;

/** What a client may need to word a failure (all optional; `reason` is a finer code, listed in docs/api.md). */
export interface ProblemFacts {
  reason?: string;
  /** The input at fault, e.g. `body.content` or `query.limit`. */
  field?: string;
  fileName?: string;
  extension?: string;
  maxBytes?: number;
  maxFiles?: number;
  maxPixels?: number;
  permission?: string;
  /** Seconds to wait before trying again. */
  retryAfter?: number;
}

/** A failure of a service: a code, a sentence for developers and logs, and facts for clients. */
export class ChatError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly facts: ProblemFacts = {},
  ) {
    super(detail);
  }

  get status(): number {
    return problemStatus[this.code];
  }
}

export const badRequest = (detail: string, facts?: ProblemFacts) => new ChatError('bad-request', detail, facts);
export const unauthorized = (detail: string, reason = 'token-invalid') => new ChatError('unauthorized', detail, { reason });
export const forbidden = (detail: string, facts?: ProblemFacts) => new ChatError('forbidden', detail, facts);
export const notFound = (what = 'resource') => new ChatError('not-found', `No such ${what}.`);
export const conflict = (detail: string, reason: string) => new ChatError('conflict', detail, { reason });
export const tooLarge = (detail: string, facts: ProblemFacts) => new ChatError('too-large', detail, facts);
export const unsupportedType = (detail: string, facts: ProblemFacts) => new ChatError('unsupported-type', detail, facts);
export const rateLimited = (detail: string, reason: string, retryAfter: number) =>
  new ChatError('rate-limited', detail, { reason, retryAfter: Math.max(1, Math.ceil(retryAfter)) });
