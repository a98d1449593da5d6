import { serve } from '@hono/node-server';
import { boot } from './boot';
import { parseEnv } from './env';

/** Reads the environment, boots the app and serves it until SIGTERM/SIGINT. */
async function main() {
  const config = parseEnv(process.env);
  const { app, close } = await boot(config);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    console.log(`ipp-chat listening on http://${info.address}:${info.port}${config.CHAT_DEMO ? ' (demo mode)' : ''}`);
  });
  const stop = async () => {
    await close();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: Error) => {
  console.error(`ipp-chat: ${err.message.split('\n')[0]}`);
  process.exit(1);
});
