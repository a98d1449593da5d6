import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that signs a webhook's body. */
export const SIGNATURE_HEADER = 'Ipp-Chat-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as a receiver checks it. */
export function sign(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/**
 * Whether a signature header signs this body with the secret, at most
 * `toleranceS` seconds from now (an old delivery replayed is refused).
 */
export function verify(secret: string, body: string, header: string | null | undefined, toleranceS = 300, nowS = Date.now() / 1000): boolean {
  const parts = new Map((header ?? '').split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS || !/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = sign(secret, body, t).split('v1=')[1];
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}
