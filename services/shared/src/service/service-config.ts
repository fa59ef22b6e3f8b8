import { ConfigError, type Config, loadConfig } from '../config.ts';

/**
 * A service's configuration at start: a bad or missing setting ends the process with one line on
 * stderr naming it (exit 1), not a stack trace. `check` adds the service's own requirements.
 */
export function loadServiceConfig(service: string, check: (config: Config) => void = () => {}): Config {
  try {
    const config = loadConfig();
    check(config);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(1);
  }
}
