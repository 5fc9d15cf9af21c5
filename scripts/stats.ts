import { loadCheckedBundle } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { redisStatsOptions } from '../src/stats/create-counter.js';
import { createLogger } from '../src/log.js';
import { runMain } from '../src/run-main.js';
import { RedisStatsCounter } from '../src/stats/redis-counter.js';
import { runStatsCommand, StatsCommandError } from '../src/stats/stats-command.js';
import { StatsUnavailableError } from '../src/stats/stats-counter.js';

/** `npm run stats`: see STATS_USAGE in src/stats/stats-command.ts. Any problem is one plain message and exit code 1. */
await runMain(async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  try {
    await runStatsCommand({
      argv: process.argv.slice(2),
      bundle: loadCheckedBundle(),
      openCounter: async () => {
        if (!config.REDIS_URL && !config.REDIS_CLUSTER_NODES?.length) {
          throw new ConfigError(
            'REDIS_URL is not set. Without Redis the bot keeps its counts in its own memory, where no other ' +
              'program can read them (and they are lost on restart). Set REDIS_URL to the Redis the bot uses, then run this again.',
          );
        }
        return RedisStatsCounter.connect(redisStatsOptions(config, logger));
      },
      write: (text) => process.stdout.write(text),
    });
  } catch (err) {
    if (!(err instanceof StatsCommandError || err instanceof StatsUnavailableError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  }
});
