import { listen } from './boot';
import { parseEnv } from './env';

/** Reads the environment and serves until SIGTERM/SIGINT. */
async function main() {
  const config = parseEnv(process.env);
  const server = await listen(config);
  server.logger.info({ url: server.url, demo: config.CHAT_DEMO }, `ipp-chat listening on ${server.url}${config.CHAT_DEMO ? ' (demo mode)' : ''}`);
  const stop = () => server.close().then(() => {
    server.logger.info('ipp-chat stopped');
    process.exit(0);
  });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: Error) => {
  console.error(`ipp-chat: ${err.message.split('\n')[0]}`);
  process.exit(1);
});
