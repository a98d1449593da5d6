import { createHmac, createPublicKey } from 'node:crypto';
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
  // Outgoing webhooks: every message a bot must hear of is POSTed there, signed with the secret.
  CHAT_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  CHAT_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 bytes').optional(),
  CHAT_WEBHOOK_USERS: csv.pipe(z.array(z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be user ids, comma-separated').transform(Number))).default([]),
  // Host calls (POST /host/messages) per sending service account per minute (0: none).
  CHAT_RATE_HOST_MESSAGES: z.coerce.number().int().min(0).default(600),
  // E-mail notifications: on when SMTP_URL is set; links point into CHAT_APP_URL (the host app),
  // the unsubscribe link into CHAT_PUBLIC_URL (where /api/chat is reached; CHAT_APP_URL when unset).
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  CHAT_MAIL_FROM: z.string().min(3).optional(),
  CHAT_APP_URL: z.url({ protocol: /^https?$/ }).optional(),
  CHAT_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  // Signs the unsubscribe links (32+ bytes); derived from CHAT_JWT_SECRET when unset.
  CHAT_MAIL_SECRET: z.string().min(32, 'must be at least 32 bytes').optional(),
  // The e-mails' language for users whose row has none (a users column language, lang or locale is read when present).
  CHAT_MAIL_LANG: z.enum(['fr', 'en']).default('fr'),
  // The time zone of the times quoted in the e-mails.
  CHAT_MAIL_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone (Europe/Paris)').default('Europe/Paris'),
  TRUST_PROXY: csv.pipe(z.array(z.string()).refine(trustable, 'must be addresses or CIDR ranges (or loopback, linklocal, uniquelocal), comma-separated'))
    .default([]),
});

/** Whether the runtime knows this IANA time zone (Europe/Paris). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function trustable(list: string[]): boolean {
  try {
    proxyAddr.compile(list);
    return true;
  } catch {
    return false;
  }
}

/** The server's configuration, parsed once from the environment. */
export type Config = z.output<typeof schema> & { jwtKey: JwtKeyConfig; mail?: MailConfig };

/** The e-mail notifications' settings, present when SMTP_URL is set. */
export interface MailConfig {
  smtpUrl: string;
  from: string;
  /** The host app's URL, without a trailing slash: a room opens at `${appUrl}/chat/${roomId}`. */
  appUrl: string;
  /** Where /api/chat is reached from a mail client, without a trailing slash. */
  publicUrl: string;
  lang: 'fr' | 'en';
  timeZone: string;
  /** The HS256 key of the unsubscribe links (never the key of the API's tokens). */
  linkKey: Uint8Array;
}

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
  const hooks = [c.CHAT_WEBHOOK_URL, c.CHAT_WEBHOOK_SECRET].filter(Boolean).length;
  if (hooks === 1 || (hooks === 2 && !c.CHAT_WEBHOOK_USERS.length)) {
    throw new Error('invalid configuration: CHAT_WEBHOOK_URL, CHAT_WEBHOOK_SECRET and CHAT_WEBHOOK_USERS go together');
  }
  return { ...c, jwtKey: jwtKey(c), ...(c.SMTP_URL ? { mail: mailConfig(c) } : {}) };
}

function mailConfig(c: z.output<typeof schema>): MailConfig {
  if (!c.CHAT_MAIL_FROM) throw new Error('invalid configuration: CHAT_MAIL_FROM is required with SMTP_URL');
  if (!c.CHAT_APP_URL) throw new Error('invalid configuration: CHAT_APP_URL is required with SMTP_URL');
  const secret = c.CHAT_MAIL_SECRET ?? c.CHAT_JWT_SECRET ?? (c.CHAT_DEMO ? DEMO_JWT_SECRET : undefined);
  if (!secret) throw new Error('invalid configuration: CHAT_MAIL_SECRET is required with SMTP_URL when tokens are checked with a public key');
  const trim = (u: string) => u.replace(/\/+$/, '');
  return {
    smtpUrl: c.SMTP_URL!, from: c.CHAT_MAIL_FROM, appUrl: trim(c.CHAT_APP_URL), publicUrl: trim(c.CHAT_PUBLIC_URL ?? c.CHAT_APP_URL),
    lang: c.CHAT_MAIL_LANG, timeZone: c.CHAT_MAIL_TIMEZONE,
    // A key of its own, so that an unsubscribe link can never pass for an API token.
    linkKey: createHmac('sha256', secret).update('ipp-chat unsubscribe links').digest(),
  };
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
