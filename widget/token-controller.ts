import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Where tokens come from: a static token, or a host route answering `{token}`. */
export interface TokenConfig {
  token?: string | null;
  tokenUrl?: string | null;
}

/** How long before `exp` a token is renewed. */
const MARGIN_MS = 60_000;

/** A JWT's claims, unverified (the signature is the server's business); `{}` when unreadable. */
export function tokenClaims(jwt: string): { exp?: unknown; sub?: unknown } {
  try {
    return JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) ?? {};
  } catch {
    return {};
  }
}

/** Reads `exp` (seconds) from a JWT's payload, in milliseconds. */
export function tokenExpiry(jwt: string): number | undefined {
  const { exp } = tokenClaims(jwt);
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

/**
 * Supplies the bearer token: the static `token`, or one fetched from `token-url`
 * with the page's cookies, renewed before it expires and after a 401.
 * Only one renewal runs at a time.
 */
export class TokenController implements ReactiveController {
  private current?: string;
  private pending?: Promise<string>;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    host: ReactiveControllerHost,
    private config: () => TokenConfig,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
  }

  /** A token that is valid for at least a minute, as far as the client can tell. */
  get(): Promise<string> {
    const exp = this.current && tokenExpiry(this.current);
    if (this.config().tokenUrl && this.current && (!exp || exp - MARGIN_MS > Date.now())) return Promise.resolve(this.current);
    return this.refresh();
  }

  /**
   * Fetches a new token. `stale` is the token a request was refused with: when a
   * newer one is already there, it is returned without another fetch.
   */
  refresh(stale?: string): Promise<string> {
    const { token, tokenUrl } = this.config();
    if (!tokenUrl) return token ? Promise.resolve(token) : Promise.reject(new Error('ipp-chat: no token'));
    if (stale && this.current && stale !== this.current) return Promise.resolve(this.current);
    return (this.pending ??= this.fetchToken(tokenUrl).finally(() => (this.pending = undefined)));
  }

  /** Whether a refused token can be replaced by another. */
  get renewable(): boolean {
    return !!this.config().tokenUrl;
  }

  private async fetchToken(url: string): Promise<string> {
    const res = await fetch(url, { credentials: 'include', headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`ipp-chat: token-url answered ${res.status}`);
    const { token } = (await res.json()) as { token: string };
    this.current = token;
    clearTimeout(this.timer);
    const exp = tokenExpiry(token);
    if (exp) {
      // Renew ahead of time so that no request waits for a token.
      this.timer = setTimeout(() => void this.refresh().catch(() => {}), Math.max(exp - MARGIN_MS - Date.now(), 5_000));
    }
    return token;
  }
}
