import type { Message } from './types';

/** What the client needs from a token source (see TokenController). */
export interface TokenSource {
  get(): Promise<string>;
  refresh(stale?: string): Promise<string>;
  readonly renewable: boolean;
}

/** What a problem+json answer tells (docs/api.md, Errors): a code, a finer reason, and facts to word it with. */
export interface Problem {
  code?: string;
  reason?: string;
  detail?: string;
  fileName?: string;
  extension?: string;
  maxBytes?: number;
  maxFiles?: number;
  maxPixels?: number;
  permission?: string;
  retryAfter?: number;
}

/** An HTTP failure, with the problem the server sent; the widget words it from `code` and `reason` (see problems.ts). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem = {},
  ) {
    super(problem.detail || `HTTP ${status}`);
  }

  get code(): string | undefined {
    return this.problem.code;
  }

  get reason(): string | undefined {
    return this.problem.reason;
  }

  /** Whether trying again later may succeed (network failure, overload, server error). */
  static retryable(e: unknown): boolean {
    return !(e instanceof ApiError) || e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500;
  }
}

/** The error for a failed response, with its problem+json body when it has one. */
function toError(status: number, body: string): ApiError {
  try {
    const p = JSON.parse(body);
    return new ApiError(status, p && typeof p === 'object' ? p : {});
  } catch {
    return new ApiError(status); // Not problem+json: the status says enough.
  }
}

/**
 * The REST client. Every call goes to the `api` base URL with the bearer token
 * in the Authorization header; a 401 triggers one token renewal and one retry.
 * It dispatches `reachable` whenever a request succeeds: the server is back.
 */
export class ChatApi extends EventTarget {
  /** The last event the latest room list reflects (its `Chat-Last-Event-Id`): where the feed can start. */
  listedAt?: string;

  constructor(
    readonly base: string,
    private tokens: TokenSource,
  ) {
    super();
  }

  /** Absolute URL of an API path, or of a URL the server returned (e.g. an attachment's). */
  url(path: string): string {
    if (/^[a-z]+:/i.test(path)) return path;
    const base = new URL(this.base, location.href);
    // Paths like "/rooms" are relative to the API base; "/api/chat/..." ones already carry it.
    return path.startsWith(base.pathname) ? new URL(path, base).href : base.href.replace(/\/$/, '') + path;
  }

  /** Sends with the token; a 401 gets one renewed token and one retry. */
  private async authed<R extends { status: number }>(send: (token: string) => Promise<R>): Promise<R> {
    const token = await this.tokens.get();
    const res = await send(token);
    return res.status === 401 && this.tokens.renewable ? send(await this.tokens.refresh(token)) : res;
  }

  /** fetch() with the token (see authed). */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return this.authed((token) => fetch(this.url(path), { ...init, headers: { ...(init.headers as object), authorization: `Bearer ${token}` } }));
  }

  /** A JSON request; resolves with the parsed body, rejects with ApiError or a network TypeError. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw toError(res.status, text);
    this.dispatchEvent(new Event('reachable'));
    this.listedAt = res.headers.get('chat-last-event-id') ?? this.listedAt;
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  /** A protected file (thumbnail, attachment) as a Blob, since the token may not go in a URL. */
  async blob(url: string): Promise<Blob> {
    const res = await this.fetch(url);
    if (!res.ok) throw toError(res.status, await res.text());
    return res.blob();
  }

  /**
   * A file the server makes (a conversation's export), read as it arrives:
   * `onProgress` gets the bytes received so far. Resolves with the file and
   * the name the server gave it (Content-Disposition, RFC 5987 `filename*` first).
   */
  async file(path: string, onProgress?: (bytes: number) => void): Promise<{ blob: Blob; fileName: string }> {
    const res = await this.fetch(path);
    if (!res.ok) throw toError(res.status, await res.text());
    const parts: Uint8Array[] = [];
    let bytes = 0;
    const reader = res.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      parts.push(r.value);
      onProgress?.((bytes += r.value.byteLength));
    }
    this.dispatchEvent(new Event('reachable'));
    const type = res.headers.get('content-type') ?? 'application/octet-stream';
    return { blob: new Blob(parts as BlobPart[], { type }), fileName: fileNameOf(res.headers.get('content-disposition')) };
  }

  /** Sends a message with files as multipart/form-data, reporting upload progress (0 to 1). */
  async upload(roomId: number, form: FormData, onProgress: (p: number) => void): Promise<Message> {
    const res = await this.authed((token) => this.xhr(roomId, form, token, onProgress));
    if (res.status === 0) throw new TypeError('network error');
    if (res.status >= 400) throw toError(res.status, res.body);
    return JSON.parse(res.body) as Message;
  }

  // XMLHttpRequest because fetch() reports no upload progress.
  private xhr(roomId: number, form: FormData, token: string, onProgress: (p: number) => void) {
    return new Promise<{ status: number; body: string }>((resolve) => {
      const x = new XMLHttpRequest();
      x.open('POST', this.url(`/rooms/${roomId}/messages`));
      x.setRequestHeader('authorization', `Bearer ${token}`);
      x.setRequestHeader('accept', 'application/json');
      x.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      x.onload = () => resolve({ status: x.status, body: x.responseText });
      x.onerror = x.onabort = x.ontimeout = () => resolve({ status: 0, body: '' });
      x.send(form);
    });
  }
}

/** The file name of a Content-Disposition header: its UTF-8 `filename*` (RFC 5987), else `filename`, without any path. */
export function fileNameOf(header: string | null): string {
  const star = header?.match(/filename\*=UTF-8''([^;\s]+)/i)?.[1];
  let name = '';
  if (star) {
    try {
      name = decodeURIComponent(star);
    } catch {
      // Not valid percent-encoding: the plain name below.
    }
  }
  name ||= header?.match(/filename="([^"]*)"/i)?.[1] ?? '';
  return name.replace(/[\\/]/g, '_') || 'export';
}
