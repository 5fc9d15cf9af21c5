import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { createCore, type Core } from '../../src/app.js';
import type { EventSink } from '../../src/conversation.js';
import { createLogger, type Logger } from '../../src/log.js';
import { MemorySessionStore } from '../../src/store/memory-store.js';
import { applyChange, type RecordChange } from '../../src/store/session-codec.js';
import type { SessionRecord, SessionStore, SwapResult, Versioned } from '../../src/store/session-store.js';
import { createTelegramBot } from '../../bots/telegram/telegram-bot.js';
import { BOT_INFO, buttons, FakeTelegram, type FakeUser } from './fake-telegram.js';
import { shippedBundleWithEnglishFallback } from '../helpers/bundle.js';

export const TEST_TOKEN = '1234567890:AAFakeTokenForOfflineTestsOnly_0123456';
export const TEST_SECRET = 'telegram-test-secret-0123456789abcdef';

/** A session store (memory unless given), plus a copy of every record written: what Redis would have held. */
export class RecordingStore implements SessionStore {
  readonly written: string[] = [];
  readonly keys = new Set<string>();

  constructor(readonly inner: SessionStore = new MemorySessionStore()) {}

  async read(key: string): Promise<Versioned<SessionRecord> | null> {
    return this.inner.read(key);
  }
  async write(
    key: string,
    value: SessionRecord,
    expectedVersion: number,
    ttlSeconds: number,
  ): Promise<boolean> {
    this.keys.add(key);
    this.written.push(JSON.stringify(value));
    return this.inner.write(key, value, expectedVersion, ttlSeconds);
  }
  /**
   * Goes through `read` and `write`, so a test that makes either fail (vi.spyOn) makes every way of
   * reaching the store fail, as a real outage would.
   */
  async swap(
    key: string,
    value: SessionRecord,
    expectedVersion: number,
    ttlSeconds: number,
  ): Promise<SwapResult> {
    await this.read(key);
    if (await this.write(key, value, expectedVersion, ttlSeconds))
      return { written: true, version: (await this.inner.read(key))!.version };
    return { written: false, current: await this.inner.read(key) };
  }
  /**
   * Goes through `read` and `write` (see `swap`): the change is applied here and written whole, so
   * a failing write fails this way too. The stores' own change lines are tested in test/store.
   */
  async amend(key: string, change: RecordChange, expectedVersion: number, ttlSeconds: number): Promise<SwapResult> {
    const current = await this.read(key);
    if (!current || current.version !== expectedVersion) return { written: false, current };
    return this.swap(key, applyChange(current.value, change), expectedVersion, ttlSeconds);
  }
  async delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
  /** Goes through `read` and `delete` (see `swap`). */
  async take(key: string): Promise<Versioned<SessionRecord> | null> {
    const current = await this.read(key);
    await this.delete(key);
    return current;
  }
  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    return this.inner.claimOnce(key, ttlSeconds);
  }
  async close(): Promise<void> {
    return this.inner.close();
  }
}

/** The shipped flow with the given locales; a text not translated yet falls back to English. */
export const bundleWith = shippedBundleWithEnglishFallback;

/** A Telegram bot on the shipped flow, wired to a FakeTelegram, with every log line kept. */
export class TelegramHarness {
  readonly fake = new FakeTelegram();
  readonly store: RecordingStore;
  readonly logLines: string[] = [];
  readonly core: Core;
  readonly bot: Bot;
  readonly logger: Logger;

  constructor(
    opts: {
      locales?: readonly string[];
      retry?: { maxDelaySeconds?: number; maxRetryAttempts?: number };
      /** Waits before retrying a call that failed on the network (default: none, at once). */
      networkRetryDelaysMs?: readonly number[];
      /** The sessions' store (default: memory, recorded); e.g. Redis for the privacy scan. */
      store?: SessionStore;
      onEvent?: EventSink;
      /** The core's clock (tests that move time on). */
      now?: () => number;
      sessionTtlHours?: number;
      /** Give the core `store` itself, not the recording wrapper (its own one-round-trip paths are tested). */
      unwrapped?: boolean;
      /**
       * Webhook mode: `answerCallbackQuery` is left to grammY, which puts it in the webhook response
       * when given an envelope (the fake never sees it then). No network: the API root is a closed local port.
       */
      webhookReplies?: boolean;
    } = {},
  ) {
    const logger = createLogger('trace', { write: (line: string) => void this.logLines.push(line) });
    this.logger = logger;
    this.store = new RecordingStore(opts.store ?? new MemorySessionStore(opts.now));
    this.core = createCore({
      bundle: bundleWith(opts.locales ?? ['en']),
      config: { SESSION_TTL_HOURS: opts.sessionTtlHours ?? 24, RESUME_PROMPT_MINUTES: 30 },
      logger,
      store: opts.unwrapped && opts.store ? opts.store : this.store,
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
    this.bot = createTelegramBot({
      core: this.core,
      config: { TELEGRAM_BOT_TOKEN: TEST_TOKEN },
      logger,
      secret: TEST_SECRET,
      botInfo: BOT_INFO,
      apiTransformer: opts.webhookReplies
        ? (prev, method, payload, signal) =>
            method === 'answerCallbackQuery'
              ? prev(method, payload, signal)
              : this.fake.transformer(prev, method, payload, signal)
        : this.fake.transformer,
      ...(opts.webhookReplies ? { apiRoot: 'http://127.0.0.1:9' } : {}),
      networkRetryDelaysMs: opts.networkRetryDelaysMs ?? [0, 0],
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.retry ? { retry: opts.retry } : {}),
    });
  }

  /** Delivers one update as Telegram would and waits until the bot is done with it. */
  async send(update: Update): Promise<void> {
    await this.bot.handleUpdate(update);
  }

  /** She types text (or a command). */
  say(user: FakeUser, text: string): Promise<void> {
    return this.send(this.fake.text(user, text));
  }

  /** The step id of the question now shown with buttons (from its answer buttons' callback data). */
  currentStep(user: FakeUser): string | undefined {
    const q = this.fake.lastQuestion(user.id);
    const data = q && buttons(q).find((b) => b.callback_data.startsWith('c|'))?.callback_data;
    return data?.split('|')[1];
  }

  /** She taps the answer `choiceId` on the newest question. */
  async tap(user: FakeUser, choiceId: string): Promise<void> {
    const q = this.fake.lastQuestion(user.id);
    if (!q) throw new Error('no question with buttons on screen');
    const b = buttons(q).find(
      (x) => x.callback_data.startsWith('c|') && x.callback_data.endsWith(`|${choiceId}`),
    );
    if (!b)
      throw new Error(
        `no answer ${choiceId} on "${q.text}" (${buttons(q)
          .map((x) => x.callback_data)
          .join(' ')})`,
      );
    await this.send(this.fake.tap(user, q.id, b.callback_data));
  }

  /** She taps "help numbers" or "exit" under the newest question. */
  async tapNav(user: FakeUser, nav: 'contacts' | 'exit'): Promise<void> {
    const q = this.fake.lastQuestion(user.id);
    if (!q) throw new Error('no question with buttons on screen');
    await this.send(this.fake.tap(user, q.id, `n|${nav}`));
  }

  /** Every text the bot has sent to this chat, in order (including ones deleted since). */
  sentTexts(chatId: number): string[] {
    return this.fake
      .callsOf('sendMessage')
      .filter((c) => Number(c.payload.chat_id) === chatId)
      .map((c) => String(c.payload.text));
  }

  /** The word she types to exit in `lang`: the first of its `command.exit.words`. */
  exitWord(lang: string): string {
    const word = this.core.translator.words(lang, 'command.exit.words')[0];
    if (!word) throw new Error(`no exit word in ${lang}`);
    return word;
  }

  /** The translated text of `key` in `lang`. */
  t(lang: string, key: string, vars?: Record<string, string | number>): string {
    return this.core.translator.t(lang, key, vars);
  }
}

let nextChatId = 880_000_001;
/** A new person with a private chat; her details look real so the privacy checks mean something. */
export function newUser(overrides: Partial<FakeUser> = {}): FakeUser {
  const id = nextChatId++;
  return {
    id,
    first_name: 'Maria',
    last_name: 'Santos',
    username: `maria_santos_${id}`,
    language_code: 'en',
    ...overrides,
  };
}
