/**
 * Cold boot probe for `npm run bench`: loads and checks flows and locales, builds the core and the
 * Telegram bot (no network: botInfo given), then prints the milliseconds since the process started.
 */
import { createTelegramBot } from '../bots/telegram/telegram-bot.js';
import { createCore, loadCheckedBundle } from '../src/app.js';
import { createLogger } from '../src/log.js';
import { BENCH_BOT_INFO } from './telegram-driver.js';

const logger = createLogger('silent');
const core = createCore({ bundle: loadCheckedBundle(), config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 }, logger });
createTelegramBot({ core, config: { TELEGRAM_BOT_TOKEN: '1:boot' }, logger, secret: 'boot-secret-0123456789', botInfo: BENCH_BOT_INFO });
console.log(`ready ${performance.now().toFixed(1)}`);
await core.store.close();
