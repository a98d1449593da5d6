import { jwtVerify, SignJWT } from 'jose';

/** Who the unsubscribe links are for: no other token of this server names it. */
const AUDIENCE = 'ipp-chat-unsubscribe';
/** A link keeps working this long after its e-mail left (mail clients may POST it much later). */
export const LINK_LIFETIME_SECONDS = 90 * 24 * 3600;

/**
 * A one-click unsubscribe token (RFC 8058) for one user: HS256 with the
 * mail key, scope "unsubscribe", good for nothing else and no one else.
 */
export function unsubscribeToken(key: Uint8Array, userId: number, lang: string, now = new Date()): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ scope: 'unsubscribe', lang })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(userId))
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + LINK_LIFETIME_SECONDS)
    .sign(key);
}

/** The user and language an unsubscribe token is for, or null when it is forged, expired or of another kind. */
export async function readUnsubscribeToken(key: Uint8Array, token: string): Promise<{ userId: number; lang: string } | null> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], audience: AUDIENCE, requiredClaims: ['sub', 'exp'] });
    if (payload.scope !== 'unsubscribe' || !/^[1-9][0-9]{0,15}$/.test(payload.sub ?? '')) return null;
    return { userId: Number(payload.sub), lang: typeof payload.lang === 'string' ? payload.lang : 'fr' };
  } catch {
    return null;
  }
}
