import { createMiddleware } from 'hono/factory';
import { createRemoteJWKSet, errors, importSPKI, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { JwtKeyConfig } from './env';
import { hs256 } from './hs256';
import { ChatError, forbidden, unauthorized } from './services/errors';
import type { Db } from './storage';
import { permissions, type Me, type Permission } from './services/access';
import { requestHeader } from './node-env';

export type AuthEnv = { Variables: { me: Me } };
/** The routes of the host's own calls: the caller is the host app itself (its token's expiry). */
export type HostEnv = { Variables: { host: HostClaims } };

const userClaims = z.object({
  sub: z.string({ error: 'sub is required' }).regex(/^[1-9][0-9]{0,15}$/, 'sub must be a decimal user id'),
  name: z.string().max(200).optional(),
  perms: z.array(z.string()),
  exp: z.number(),
  iat: z.number(),
});
/** A host token speaks for the host app, not for a user: `scope: "host"` and no `sub`. */
const hostClaims = z.object({
  scope: z.literal('host'),
  sub: z.never({ error: 'a host token has no sub' }).optional(),
  exp: z.number(),
  iat: z.number(),
});

export type UserClaims = z.output<typeof userClaims> & { scope?: undefined };
export type HostClaims = z.output<typeof hostClaims>;
export type Claims = UserClaims | HostClaims;
export type VerifyToken = (token: string) => Promise<Claims>;

const CLOCK_TOLERANCE = 30;
/** The longest lifetime (exp − iat) accepted, in seconds: a token that leaks from a page is worth an hour at most. */
export const MAX_TOKEN_LIFETIME = 3600;
const MAX_VERIFIED = 10_000;

/**
 * Builds the verifier of host-minted tokens (README, Identity): one algorithm
 * (HS256 for a secret, the key's own for a PEM, asymmetric ones for a JWKS),
 * required sub/exp/iat/perms, 30 s of clock tolerance, iss and aud checked,
 * and as RFC 8725 advises: `typ` JWT when present, no `iat` in the future, a
 * lifetime of an hour at most.
 */
export async function createVerifier(key: JwtKeyConfig, opts: { issuer?: string; audience: string }): Promise<VerifyToken> {
  let getKey: CryptoKey | JWTVerifyGetKey;
  let algorithms: string[];
  if (key.kind === 'secret') {
    // Imported once: given the raw bytes, jose would import a key for every token it verifies.
    getKey = await crypto.subtle.importKey('raw', new TextEncoder().encode(key.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    algorithms = ['HS256'];
  } else if (key.kind === 'pem') {
    getKey = await importSPKI(key.pem, key.alg);
    algorithms = [key.alg];
  } else {
    getKey = createRemoteJWKSet(new URL(key.url));
    algorithms = ['RS256', 'ES256', 'EdDSA'];
  }
  const options = { algorithms, issuer: opts.issuer, audience: opts.audience, clockTolerance: CLOCK_TOLERANCE, requiredClaims: ['exp', 'iat'] };
  const viaJose = (token: string) => jwtVerify(token, getKey as CryptoKey, options);
  // An HMAC is checked in microseconds: HS256 tokens are verified every time, and nothing is kept of them
  // (10 000 feeds would keep 10 000 tokens). A public-key signature costs more: those are kept, below.
  const check = key.kind === 'secret' ? hs256(key.secret, { ...options, otherwise: viaJose }) : viaJose;
  const keep = key.kind !== 'secret';
  // Verified tokens, kept a minute at most: a client sends the same token with every request,
  // and verifying it again gives the same answer until it expires. Failures are not kept.
  const verified = new Map<string, { claims: Claims; until: number }>();
  return async (token) => {
    const now = Date.now();
    const hit = keep ? verified.get(token) : undefined;
    if (hit && now < hit.until) return hit.claims;
    try {
      const { payload, protectedHeader } = await check(token);
      // Another kind of JWT signed with the same key (an access token, a logout token…) is not ours.
      if (protectedHeader.typ !== undefined && !/^(application\/)?jwt$/i.test(protectedHeader.typ)) {
        throw unauthorized('The token is not valid: its typ header must be JWT.');
      }
      const claims = payload.scope === 'host' ? hostClaims.safeParse(payload) : userClaims.safeParse(payload);
      if (!claims.success) throw unauthorized(`The token's claims are invalid: ${claims.error.issues[0].message}.`);
      const { iat, exp } = claims.data;
      if (iat > now / 1000 + CLOCK_TOLERANCE) throw unauthorized('The token is not valid: it was issued in the future.');
      if (exp - iat > MAX_TOKEN_LIFETIME) throw unauthorized(`The token is not valid: it lives longer than ${MAX_TOKEN_LIFETIME / 60} minutes.`);
      if (keep) {
        if (verified.size >= MAX_VERIFIED) verified.clear();
        // Until `exp` plus the clock tolerance, as jose would judge it.
        verified.set(token, { claims: claims.data, until: Math.min(now + 60_000, (claims.data.exp + CLOCK_TOLERANCE) * 1000) });
      }
      return claims.data;
    } catch (err) {
      if (err instanceof ChatError) throw err;
      if (err instanceof errors.JWTExpired) throw unauthorized('The token has expired.', 'token-expired');
      if (err instanceof errors.JOSEError) throw unauthorized('The token is not valid.');
      throw err;
    }
  };
}

/** Reads `Authorization: Bearer …` (the only place a token is taken from). */
export function bearerToken(header: string | undefined): string {
  const match = header?.match(/^Bearer[ ]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i);
  if (!match) throw unauthorized('A Bearer token is required in the Authorization header.', 'token-missing');
  return match[1];
}

/** Authenticates every request of the API and puts the caller in `c.var.me`; a host token is refused (403). */
export function authenticate(verify: VerifyToken, db: Db) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const claims = await verify(bearerToken(requestHeader(c, 'Authorization')));
    if (claims.scope === 'host') throw forbidden('A host token is for the host routes (/host/…) only, not for a user\'s.', { reason: 'host-token' });
    const user = await db.users.findActive(Number(claims.sub));
    if (!user) throw forbidden('This user is not an active user of the application.', { reason: 'inactive-user' });
    const perms = new Set(claims.perms.filter((p): p is Permission => (permissions as readonly string[]).includes(p)));
    c.set('me', { ...user, name: claims.name?.trim() || user.name, perms, exp: claims.exp });
    await next();
  });
}

/** Authenticates the host's own calls: a host token only; a user's token is refused (403). */
export function authenticateHost(verify: VerifyToken) {
  return createMiddleware<HostEnv>(async (c, next) => {
    const claims = await verify(bearerToken(requestHeader(c, 'Authorization')));
    if (claims.scope !== 'host') throw forbidden('This route takes a host token (scope "host"), not a user\'s.', { reason: 'user-token' });
    c.set('host', claims);
    await next();
  });
}
