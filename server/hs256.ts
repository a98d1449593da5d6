import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { errors, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

/** What a verification yields: the payload and the protected header, as jose's jwtVerify gives them. */
export interface Verified { payload: JWTPayload; protectedHeader: ProtectedHeaderParameters }

export interface Hs256Options {
  issuer?: string;
  audience: string;
  /** Seconds of clock skew allowed on exp and nbf. */
  clockTolerance: number;
  /** Where any other token goes: one whose header has more than alg, typ and kid (jose judges those). */
  otherwise: (token: string) => Promise<Verified>;
}

const PLAIN_HEADER = new Set(['alg', 'typ', 'kid']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const json = (part: string) => {
  try { return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown; } catch { return undefined; }
};
const invalid = (payload: JWTPayload, claim: string, text: string) => new errors.JWTClaimValidationFailed(text, payload, claim, 'check_failed');

/**
 * Verifies HS256 tokens with node:crypto's HMAC, synchronously: jose's
 * WebCrypto path costs several times as much per new token, and a burst of
 * feeds opening brings thousands of them. It checks what jwtVerify would with
 * the same options (signature, exp and nbf with the tolerance, iss, aud,
 * exp and iat present as numbers) and throws jose's own errors; a header with
 * anything else (crit, b64…) is left to jose.
 */
export function hs256(secret: string, opts: Hs256Options): (token: string) => Promise<Verified> {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return async (token) => {
    const [head, body, signature, extra] = token.split('.');
    if (extra !== undefined || signature === undefined) throw new errors.JWSInvalid('Invalid Compact JWS');
    const protectedHeader = json(head);
    if (!isObject(protectedHeader)) throw new errors.JWSInvalid('JWS Protected Header is invalid');
    if (!Object.keys(protectedHeader).every((k) => PLAIN_HEADER.has(k))) return opts.otherwise(token);
    if (protectedHeader.alg !== 'HS256') throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
    const expected = createHmac('sha256', key).update(`${head}.${body}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new errors.JWSSignatureVerificationFailed();
    const payload = json(body);
    if (!isObject(payload)) throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
    checkClaims(payload as JWTPayload, opts);
    return { payload: payload as JWTPayload, protectedHeader: protectedHeader as ProtectedHeaderParameters };
  };
}

function checkClaims(p: JWTPayload, { issuer, audience, clockTolerance }: Hs256Options) {
  const now = Math.floor(Date.now() / 1000);
  for (const claim of ['exp', 'iat'] as const) {
    if (p[claim] === undefined) throw invalid(p, claim, `missing required "${claim}" claim`);
  }
  for (const claim of ['exp', 'iat', 'nbf'] as const) {
    if (p[claim] !== undefined && !Number.isFinite(p[claim])) throw invalid(p, claim, `"${claim}" claim must be a number`);
  }
  if (issuer !== undefined && p.iss !== issuer) throw invalid(p, 'iss', 'unexpected "iss" claim value');
  const aud = typeof p.aud === 'string' ? [p.aud] : Array.isArray(p.aud) ? p.aud : [];
  if (!aud.includes(audience)) throw invalid(p, 'aud', 'unexpected "aud" claim value');
  if (p.nbf !== undefined && p.nbf > now + clockTolerance) throw invalid(p, 'nbf', '"nbf" claim timestamp check failed');
  if (p.exp! <= now - clockTolerance) throw new errors.JWTExpired('"exp" claim timestamp check failed', p, 'exp', 'check_failed');
}
