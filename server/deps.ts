import type { VerifyToken } from './auth';
import type { Config } from './env';
import type { Db } from './storage';

/** What the app is built from: createApp(deps) receives every handle, nothing is global. */
export interface Deps {
  config: Config;
  db: Db;
  verify: VerifyToken;
}
