import { parseArgs } from 'node:util';
import { createCore, loadCheckedBundle, PROJECT_ROOT } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { commandLogger, createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { startLiveReload } from '../../src/reload.js';
import { createSessionStore } from '../../src/store/create-store.js';
import { runConsoleChat } from './console-chat.js';
import { runMain } from '../../src/run-main.js';

/** `npm run chat -- [--lang <code>] [--campaign <code>] [--json]` */
await runMain(async () => {
  const { values } = parseArgs({
    options: { lang: { type: 'string' }, campaign: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const config = loadConfig();
  // --json: only warnings and errors (on stderr), the protocol on stdout stays clean.
  const logger = values.json && !process.env.LOG_LEVEL ? createLogger('warn') : commandLogger(config, { chat: true });
  const bundle = loadCheckedBundle();
  if (values.lang && !bundle.localeCodes.includes(values.lang)) {
    throw new Error(`--lang ${values.lang} is not a language of the bot. Use one of: ${bundle.localeCodes.join(', ')}`);
  }
  const store = await createSessionStore(config, logger);
  const core = createCore({ bundle, config, logger, store });
  // Development only: an edited flow or locale file is checked and, if fine, used at once (src/reload.ts).
  // Its messages go to stderr, so the --json protocol on stdout stays clean.
  const liveReload =
    config.NODE_ENV !== 'production' ? startLiveReload({ root: PROJECT_ROOT, conversations: core.conversations }) : undefined;
  await runConsoleChat({
    conversations: core.conversations,
    chatRef: chatRef(config.SESSION_SECRET, 'console', 'terminal'),
    lang: values.lang,
    campaign: values.campaign,
    json: values.json ?? false,
    input: process.stdin,
    output: process.stdout,
  });
  liveReload?.close();
  await store.close();
});
