import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src/app.js';
import { type Bundle } from '../../src/bundle.js';
import type { TurnEvent } from '../../src/engine.js';
import { createLogger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import type { PacingOptions } from '../../bots/whatsapp-common/send-pacer.js';
import type {
  IncomingWhatsAppMessage,
  IncomingWhatsAppReaction,
} from '../../bots/whatsapp/whatsapp-client.js';
import {
  createWhatsAppChannel,
  type WhatsAppChannel,
  type WhatsAppTiming,
} from '../../bots/whatsapp/whatsapp-channel.js';
import { FakeAccount, FakeWhatsAppClient, libraryMessage, libraryReaction } from './fake-client.js';
import { shippedBundleWithEnglishFallback } from '../helpers/bundle.js';

export const SECRET = 'whatsapp-test-secret-0123456789';
/** A Hong Kong mobile number as WhatsApp writes it. */
export const PHONE_ID = '85291234567@c.us';
/** A hidden-number id, as WhatsApp uses for more and more chats. */
export const LID_ID = '204169385615532@lid';

/** The shipped flow with the given locales; a text not translated yet falls back to English. */
export const channelTestBundle = shippedBundleWithEnglishFallback;

/** The WhatsApp channel on a fake client, with the real core (memory store) and captured logs. */
export interface Harness {
  core: Core;
  channel: WhatsAppChannel;
  /** Every client the channel made (a new one after each reconnect). */
  clients: FakeWhatsAppClient[];
  client: FakeWhatsAppClient;
  /** The NGO's account all the clients are logged in to. */
  account: FakeAccount;
  logLines: string[];
  events: TurnEvent[];
  qrCodes: string[];
  dataDir: string;
  ref(chatId: string): string;
  /** Delivers one library-shaped message and returns the texts the bot sent for it. */
  say(
    from: string,
    body: string,
    over?: Partial<IncomingWhatsAppMessage> & Record<string, unknown>,
  ): Promise<string[]>;
  /** Delivers one library-shaped reaction and returns the texts the bot sent for it. */
  react(
    chatId: string,
    emoji: string,
    over?: Partial<IncomingWhatsAppReaction> & Record<string, unknown>,
  ): Promise<string[]>;
}

export async function startHarness(
  bundle: Bundle,
  opts: {
    timing?: Partial<WhatsAppTiming>;
    ready?: boolean;
    /** Adjusts each new fake client (e.g. to make `initialize()` fail). */
    prepareClient?: (client: FakeWhatsAppClient, index: number) => void;
    pacing?: PacingOptions;
    /** A restart: the same core (store) and WhatsApp account as an earlier harness, a new channel. */
    after?: Pick<Harness, 'core' | 'account'>;
  } = {},
): Promise<Harness> {
  const logLines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  const events: TurnEvent[] = [];
  const core =
    opts.after?.core ??
    createCore({
      bundle,
      config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 },
      logger,
      onEvent: (e) => void events.push(e),
    });
  const account = opts.after?.account ?? new FakeAccount();
  const clients: FakeWhatsAppClient[] = [];
  const qrCodes: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'wa-test-'));
  const channel = createWhatsAppChannel({
    conversations: core.conversations,
    translator: core.translator,
    secret: SECRET,
    logger,
    dataDir,
    createClient: () => {
      const c = new FakeWhatsAppClient(account);
      opts.prepareClient?.(c, clients.length);
      clients.push(c);
      return c;
    },
    showQr: async (qr) => void qrCodes.push(qr),
    pacing: opts.pacing ?? { perChatMs: 0, globalMs: 0 },
    timing: {
      chatDeleteDelayMs: 0,
      reconnectInitialMs: 0,
      reconnectMaxMs: 0,
      stopGraceMs: 1000,
      ...opts.timing,
    },
  });
  await channel.start();
  const client = clients[0]!;
  if (opts.ready !== false) {
    client.emit('ready');
    await channel.idle();
  }
  return {
    core,
    channel,
    clients,
    client,
    account,
    logLines,
    events,
    qrCodes,
    dataDir,
    ref: (chatId) => chatRef(SECRET, 'whatsapp', chatId),
    async say(from, body, over = {}) {
      const active = clients.at(-1)!;
      const before = active.sent.length;
      active.emit('message', libraryMessage(from, body, over));
      await channel.idle();
      return active.sent.slice(before).map((s) => s.text);
    },
    async react(chatId, emoji, over = {}) {
      const active = clients.at(-1)!;
      const before = active.sent.length;
      active.emit('message_reaction', libraryReaction(chatId, emoji, over));
      await channel.idle();
      return active.sent.slice(before).map((s) => s.text);
    },
  };
}

/** Waits for real timers (the channel's unref'd timers) to fire. */
export function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
