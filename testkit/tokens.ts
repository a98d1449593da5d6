import { SignJWT } from 'jose';

/** The HS256 secret test and bench servers share with the tokens minted here. */
export const SECRET = 'test-secret-of-at-least-32-bytes-long!!';
export const ALL_PERMS = ['chat.read', 'chat.create', 'chat.update', 'chat.delete', 'chat.manage_rooms'];

/** Signs a token like the host app does (HS256 with the shared secret unless told otherwise). */
export function mint(claims: Record<string, unknown>, opts: { secret?: string; expiresIn?: string | number | null } = {}) {
  const jwt = new SignJWT({ perms: ALL_PERMS, ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setAudience('ipp-chat');
  if (opts.expiresIn !== null) jwt.setExpirationTime(opts.expiresIn ?? '1h');
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

/** Signs a host token (scope "host", no sub) like the host app does for its own calls; `claims` override the defaults. */
export function mintHost(claims: Record<string, unknown> = {}, opts: { secret?: string; expiresIn?: number | null } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { scope: 'host', aud: 'ipp-chat', iat: now, ...(opts.expiresIn !== null ? { exp: now + (opts.expiresIn ?? 300) } : {}), ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(opts.secret ?? SECRET));
}
