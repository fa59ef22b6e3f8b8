import type { Logger } from '../logger.ts';

/**
 * On SIGTERM or SIGINT, runs stop() (finish the batch in flight, commit, disconnect) and exits 0;
 * exits 1 if stopping takes longer than timeoutMs or fails.
 */
export function exitOnSignal(stop: () => Promise<void>, log: Logger, timeoutMs = 20_000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'did not stop in time, exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'failed to stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
