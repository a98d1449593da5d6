import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** LOG_LEVEL: fatal, error, warn, info (one line per request), debug, trace or silent. */
  level: string;
  /** Human-readable lines instead of JSON (demo mode). */
  pretty?: boolean;
  /** Where the lines go (tests collect them); stdout by default. */
  destination?: DestinationStream;
}

/**
 * The server's logger: one JSON object per line on stdout, with `level` as a
 * word and `time` in ISO 8601. boot.ts makes it and hands it down; nothing
 * imports a global one. What is logged never holds a token, a cookie or a
 * message body: the access line (server/http-log.ts) has the route pattern,
 * not the URL, and errors go through `err` below.
 */
export function createLogger({ level, pretty: human = false, destination }: LoggerOptions): Logger {
  const out = destination ?? (human ? pretty({ sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }) : undefined);
  const options = {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    serializers: { err },
    // Belt and braces: were a request's headers ever logged, these would not be.
    redact: { paths: ['headers.authorization', 'headers.cookie', '*.headers.authorization', '*.headers.cookie'], censor: '[redacted]' },
  };
  return out ? pino(options, out) : pino(options);
}

/** A logger that writes nothing (createApp's default, for code that builds an app without boot.ts). */
export const silentLogger = (): Logger => pino({ level: 'silent' });

/**
 * Errors with their type, message and stack, minus what a failed query
 * carries: Drizzle puts the query's parameters (a message's text) in its
 * message after `params:`, and mysql2 the SQL in `sql`.
 */
export function err(e: Error): Record<string, unknown> {
  const out = stdSerializers.err(e) as unknown as Record<string, unknown>;
  for (const key of ['sql', 'params', 'query', 'values', 'parameters']) delete out[key];
  for (const key of ['message', 'stack']) {
    if (typeof out[key] === 'string') out[key] = (out[key] as string).replace(/\nparams: [\s\S]*?(?=\n\s+at |\ncaused by|$)/g, '\nparams: [not logged]');
  }
  if (out.cause && typeof out.cause === 'object') out.cause = err(out.cause as Error);
  return out;
}
