// Entry point for `npm start`: load config, start, stop cleanly on a signal.
import { ServerKeyError } from './auth/index.js';
import { ConfigError, loadConfig } from './config/index.js';
import { AnnouncedAddressError } from './sfu/index.js';
import { createLogger } from './logging/index.js';
import { ParleyServer } from './ParleyServer.js';

const log = createLogger('main');

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await ParleyServer.create(config);
  // Metrics first: whoever waits for "running at" finds the metrics address already there.
  if (config.metrics && server.metricsPort !== undefined)
    process.stdout.write(`Metrics at http://${hostForUrl(config.metrics.host)}:${server.metricsPort}/metrics\n`);
  process.stdout.write(`Parley is running at http://${hostForUrl(config.http.host)}:${server.port}/\n`);
  // SIGTERM (a restart, an upgrade): tell everyone first, so their calls come back by themselves.
  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    (signal === 'SIGTERM' ? server.drain() : server.close()).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function hostForUrl(host: string): string {
  if (host === '127.0.0.1' || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ServerKeyError || error instanceof AnnouncedAddressError)
    process.stderr.write(`${error.message}\n`);
  else log.fatal({ err: error }, 'could not start');
  process.exit(1);
});
