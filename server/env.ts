import { createPublicKey } from 'node:crypto';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';

/** A fixed key for demo mode only: the demo's tokens are not secrets. */
export const DEMO_JWT_SECRET = 'ipp-chat-demo-secret-not-for-production-use!';

const csv = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const flag = z.enum(['0', '1', 'true', 'false', '']).transform((v) => v === '1' || v === 'true');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().regex(/^(mysql:\/\/|sqlite:)/, 'must start with mysql:// or sqlite:')
    .default('sqlite:instance/chat.sqlite'),
  USERS_TABLE: z.string().regex(/^\w+$/, 'must be a plain table name').default('users'),
  USERS_NAME_COLUMNS: csv.pipe(z.array(z.string().regex(/^\w+$/)).min(1)).default(['full_name', 'username']),
  CHAT_JWT_SECRET: z.string().min(32, 'must be at least 32 bytes').optional(),
  CHAT_JWT_PUBLIC_KEY: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key' }).optional(),
  CHAT_JWKS_URL: z.url().optional(),
  CHAT_JWT_ISSUER: z.string().min(1).optional(),
  CHAT_JWT_AUDIENCE: z.string().min(1).default('ipp-chat'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis://').optional(),
  UPLOAD_DIR: z.string().min(1).default('instance/uploads/chat'),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(26_214_400),
  CORS_ORIGINS: csv.default([]),
  CHAT_DEMO: flag.default(false),
  // Rate limits per user (0: none): messages and messages with files per minute, open event streams.
  CHAT_RATE_MESSAGES: z.coerce.number().int().min(0).default(60),
  CHAT_RATE_UPLOADS: z.coerce.number().int().min(0).default(20),
  CHAT_MAX_STREAMS: z.coerce.number().int().min(0).default(10),
  // Conversation exports (GET /rooms/:id/export) per user per minute.
  CHAT_RATE_EXPORTS: z.coerce.number().int().min(0).default(10),
  // An upload that sends nothing for this long is answered 400 and its resources released.
  CHAT_UPLOAD_IDLE_SECONDS: z.coerce.number().positive().max(600).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // GET /metrics answers only this bearer token; without it, /metrics does not exist (404).
  METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
  // The reverse proxies whose X-Forwarded-For is believed (for the client address in the logs): none by default.
  TRUST_PROXY: csv.pipe(z.array(z.string()).refine(trustable, 'must be addresses or CIDR ranges (or loopback, linklocal, uniquelocal), comma-separated'))
    .default([]),
});

function trustable(list: string[]): boolean {
  try {
    proxyAddr.compile(list);
    return true;
  } catch {
    return false;
  }
}

/** The server's configuration, parsed once from the environment. */
export type Config = z.output<typeof schema> & { jwtKey: JwtKeyConfig };

/** Where the host's token signatures are checked against. */
export type JwtKeyConfig =
  | { kind: 'secret'; secret: string }
  | { kind: 'pem'; pem: string; alg: AsymmetricAlg }
  | { kind: 'jwks'; url: string };

type AsymmetricAlg = 'RS256' | 'ES256' | 'EdDSA';
const algByKeyType: Record<string, AsymmetricAlg> = { rsa: 'RS256', ec: 'ES256', ed25519: 'EdDSA' };

/**
 * Parses the environment, or throws an Error whose message is one line naming
 * the first bad variable (index.ts prints it and exits).
 */
export function parseEnv(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as they do for most shells and .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  const c = parsed.data;
  return { ...c, jwtKey: jwtKey(c) };
}

function jwtKey(c: z.output<typeof schema>): JwtKeyConfig {
  const given = [c.CHAT_JWT_SECRET, c.CHAT_JWT_PUBLIC_KEY, c.CHAT_JWKS_URL].filter(Boolean).length;
  if (given > 1) throw new Error('invalid configuration: set only one of CHAT_JWT_SECRET, CHAT_JWT_PUBLIC_KEY, CHAT_JWKS_URL');
  if (c.CHAT_JWT_SECRET) return { kind: 'secret', secret: c.CHAT_JWT_SECRET };
  if (c.CHAT_JWT_PUBLIC_KEY) {
    // The key decides the one algorithm accepted: RSA → RS256, P-256 → ES256, Ed25519 → EdDSA.
    let type: string | undefined;
    try { type = createPublicKey(c.CHAT_JWT_PUBLIC_KEY).asymmetricKeyType; } catch { /* reported below */ }
    const alg = type ? algByKeyType[type] : undefined;
    if (!alg) throw new Error('invalid configuration: CHAT_JWT_PUBLIC_KEY must be an RSA, P-256 or Ed25519 public key');
    return { kind: 'pem', pem: c.CHAT_JWT_PUBLIC_KEY, alg };
  }
  if (c.CHAT_JWKS_URL) return { kind: 'jwks', url: c.CHAT_JWKS_URL };
  if (c.CHAT_DEMO) return { kind: 'secret', secret: DEMO_JWT_SECRET };
  throw new Error('invalid configuration: CHAT_JWT_SECRET (or CHAT_JWT_PUBLIC_KEY / CHAT_JWKS_URL) is required outside demo mode');
}
