import type { VerifyToken } from './auth';
import type { Config } from './env';
import type { Hub } from './events/hub';
import type { Limits } from './limits';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import type { Db } from './storage';
import type { Webhooks } from './webhooks/dispatcher';

/** What the app is built from: createApp(deps) receives every handle, nothing is global. */
export interface Deps {
  config: Config;
  db: Db;
  verify: VerifyToken;
  /** The real-time hub (index.ts builds it with Redis and pruning); createApp makes an in-process one when absent. */
  events?: Hub;
  /** The rate limits (boot.ts shares them through Redis); createApp makes in-process ones from config when absent. */
  limits?: Limits;
  /** The server's logger (boot.ts: JSON lines on stdout at LOG_LEVEL); createApp makes a silent one when absent. */
  logger?: Logger;
  /** The Prometheus metrics (boot.ts adds the process's); createApp makes bare ones when absent. */
  metrics?: Metrics;
  /** The outgoing webhooks' worker (boot.ts starts it when CHAT_WEBHOOK_URL is set), woken by each commit here. */
  webhooks?: Webhooks | null;
}

/** The handles the routers get: every one of them present (the webhooks when configured). */
export type AppDeps = Required<Omit<Deps, 'webhooks'>> & Pick<Deps, 'webhooks'>;
