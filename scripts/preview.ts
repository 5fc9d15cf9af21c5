import { PROJECT_ROOT } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { DEFAULT_PREVIEW_PORT, startPreviewServer } from '../src/preview/server.js';
import { runMain } from '../src/run-main.js';

/**
 * `npm run preview`: the conversation preview on http://127.0.0.1:8090/ (PREVIEW_PORT to change it).
 * Edits to flows/ and locales/ are picked up while it runs.
 */
await runMain(async () => {
  const raw = process.env.PREVIEW_PORT;
  const port = raw === undefined || raw === '' ? DEFAULT_PREVIEW_PORT : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`PREVIEW_PORT must be a port number between 1 and 65535 (got "${raw}").`);
  }
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  // A text not translated yet is shown in English, marked [EN], except with NODE_ENV=production.
  const preview = await startPreviewServer({ root: PROJECT_ROOT, port, config, logger, englishFallback: config.NODE_ENV !== 'production' });
  const problems = preview.sessions.meta().problems;
  if (problems.length > 0) {
    process.stderr.write(`The flows have problems; the page lists them and reloads when they are fixed:\n${problems.join('\n')}\n`);
  }
  process.stdout.write(`Conversation preview: ${preview.url}  (Ctrl+C to stop)\n`);
  const stop = () => void preview.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
