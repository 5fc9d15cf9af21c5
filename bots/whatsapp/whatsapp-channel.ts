import {
  errorName,
  MESSAGE_ID_MAX_AGE_S,
  type Conversations,
  type TurnOutcome,
} from '../../src/conversation.js';
import type { Input } from '../../src/engine.js';
import type { Translator } from '../../src/i18n.js';
import type { Logger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import { formatForWhatsApp, quickExitText, splitLongText } from './format-for-whatsapp.js';
import { inputOf, isPrivateChatId, reactionChatToAnswer, shouldAnswer } from './incoming-message.js';
import { startWordsOf } from './start-text.js';
import { removePairingQr, showPairingQr } from './pairing.js';
import { DEFAULT_PACING, SendPacer, sleep, type PacingOptions } from './send-pacer.js';
import type {
  IncomingWhatsAppMessage,
  IncomingWhatsAppReaction,
  SentWhatsAppMessage,
  WhatsAppClient,
} from './whatsapp-client.js';

// === Options

/** Timings of the channel. Tests set them to 0 or small values. */
export interface WhatsAppTiming {
  /** A chat whose result was shown and that then stays quiet this long is removed from the bot's account. */
  resultIdleMs: number;
  /** The session lifetime (SESSION_TTL_HOURS): a chat quiet this long has expired and is removed. */
  sessionTtlMs: number;
  /** Pause between the last line of a quick exit and removing the chat, so that line goes out first. */
  chatDeleteDelayMs: number;
  /** First wait before reconnecting after a disconnect; it doubles up to `reconnectMaxMs`. */
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /**
   * How long opening WhatsApp Web may take (browser start, page load, until the QR code or the saved
   * login). The library waits for the page without a time limit, so a network that swallows the
   * connection would otherwise hang silently; after this the browser is closed and opened again.
   */
  openTimeoutMs: number;
  /** How long `stop()` waits for turns in flight before closing the browser. */
  stopGraceMs: number;
}

/** Production timings (the session lifetime comes from the settings). */
export const DEFAULT_TIMING: Omit<WhatsAppTiming, 'sessionTtlMs'> = {
  resultIdleMs: 60 * 60_000,
  chatDeleteDelayMs: 3_000,
  reconnectInitialMs: 5_000,
  reconnectMaxMs: 5 * 60_000,
  openTimeoutMs: 3 * 60_000,
  stopGraceMs: 10_000,
};

/** Sent-message ids kept per chat for quick exit (oldest dropped first); also how many are looked up in the chat. */
export const MAX_REMEMBERED_MESSAGES = 200;

/** Disconnect reasons after which only a new pairing helps: no automatic reconnect. */
const LOGGED_OUT_REASONS: ReadonlySet<string> = new Set(['LOGOUT', 'UNPAIRED', 'UNPAIRED_IDLE']);
const BANNED_REASONS: ReadonlySet<string> = new Set(['TOS_BLOCK', 'SMB_TOS_BLOCK']);

export interface WhatsAppChannelDeps {
  conversations: Conversations;
  /** Renders the clear-chat line in her language. */
  translator: Translator;
  /** SESSION_SECRET: keys the chat references that replace WhatsApp ids. */
  secret: string;
  logger: Logger;
  /** Makes a new client; a fresh one is made after every disconnect. */
  createClient: () => WhatsAppClient;
  /** WHATSAPP_DATA_DIR: the pairing QR code PNG goes here. */
  dataDir: string;
  /** Shows a pairing QR code. Default: printed in the terminal and written as a PNG into `dataDir`. */
  showQr?: (qr: string) => Promise<string | void>;
  pacing?: PacingOptions;
  timing?: Partial<WhatsAppTiming>;
  now?: () => number;
  /** Epoch ms; messages sent before it get no answer. Default: when this process started. */
  startedAtMs?: number;
}

/** The running WhatsApp channel. */
export interface WhatsAppChannel {
  readonly name: 'whatsapp';
  /** Launches the browser in the background; pairing, ready and reconnects are logged. */
  start(): Promise<void>;
  /** Finishes turns in flight, then closes the browser. */
  stop(): Promise<void>;
  /** Resolves once every message received so far has been answered. */
  idle(): Promise<void>;
}

/**
 * What the channel keeps about a chat, in memory only and never logged: the raw id (needed to
 * answer and to remove the chat later), her language and the ids of the bot's sent messages (for
 * quick exit; ids, not the library's message objects, which die with the browser at a reconnect).
 */
interface ChatState {
  chatId: string;
  lang: string | null;
  sent: { id: string; at: number }[];
  /** A result was shown: a quiet chat is removed after `resultIdleMs` rather than the session lifetime. */
  finished: boolean;
  timer?: NodeJS.Timeout;
}

// === The channel

/**
 * The WhatsApp channel: private 1:1 chats only, choices as a numbered list, paced sends, quick exit
 * that revokes the bot's messages and removes the chat from the bot's account. WhatsApp ids become
 * chat references (keyed hashes) here and go no further.
 */
export function createWhatsAppChannel(deps: WhatsAppChannelDeps): WhatsAppChannel {
  return new WhatsAppChannelImpl(deps);
}

class WhatsAppChannelImpl implements WhatsAppChannel {
  readonly name = 'whatsapp' as const;
  private readonly log: Logger;
  private readonly timing: WhatsAppTiming;
  private readonly pacing: PacingOptions;
  private readonly pacer: SendPacer;
  private readonly now: () => number;
  private readonly startedAtSeconds: number;
  private readonly chats = new Map<string, ChatState>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private client: WhatsAppClient | null = null;
  private stopped = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private openTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: WhatsAppChannelDeps) {
    this.log = deps.logger.child({ channel: 'whatsapp' });
    this.timing = { ...DEFAULT_TIMING, sessionTtlMs: 24 * 3600_000, ...deps.timing };
    this.now = deps.now ?? Date.now;
    this.pacing = deps.pacing ?? DEFAULT_PACING;
    this.pacer = new SendPacer(this.pacing, this.now);
    // Messages sent before the process started (a backlog after a restart) get no answer.
    this.startedAtSeconds = Math.floor((deps.startedAtMs ?? performance.timeOrigin) / 1000);
  }

  async start(): Promise<void> {
    this.log.info('starting the browser and opening WhatsApp Web');
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.openTimer);
    for (const state of this.chats.values()) clearTimeout(state.timer);
    await Promise.race([this.idle(), sleep(this.timing.stopGraceMs)]);
    const client = this.client;
    this.client = null;
    if (client) {
      await client
        .destroy()
        .catch((err: unknown) => this.log.warn({ err: errorName(err) }, 'could not close the browser'));
    }
    removePairingQr(this.deps.dataDir); // an unscanned code is of no use after this
    this.log.info('stopped');
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  // === Connection

  private connect(): void {
    if (this.stopped) return;
    const client = this.deps.createClient();
    this.client = client;
    const current = () => this.client === client && !this.stopped;
    const opened = () => {
      if (current()) clearTimeout(this.openTimer);
    };
    clearTimeout(this.openTimer);
    this.openTimer = setTimeout(() => {
      if (!current()) return;
      this.log.error(
        { inSeconds: this.timing.openTimeoutMs / 1000 },
        'WhatsApp Web did not open in time (no network, or a WhatsApp Web change): closing the browser',
      );
      this.reconnect(client);
    }, this.timing.openTimeoutMs);
    this.openTimer.unref();

    client.on('qr', (qr) => {
      if (!current()) return;
      opened();
      const show = this.deps.showQr ?? ((code: string) => showPairingQr(code, this.deps.dataDir));
      show(qr).then(
        (file) =>
          this.log.info(
            file ? { qrFile: file } : {},
            'waiting for the QR code to be scanned: on the NGO phone open WhatsApp > Settings > Linked devices > Link a device',
          ),
        (err: unknown) => this.log.warn({ err: errorName(err) }, 'could not show the pairing QR code'),
      );
    });
    client.on('authenticated', () => {
      if (!current()) return;
      opened();
      removePairingQr(this.deps.dataDir);
      this.log.info('authenticated: the WhatsApp login is saved in the data folder');
    });
    client.on('ready', () => {
      if (!current()) return;
      this.reconnectAttempt = 0;
      this.log.info('ready: answering private chats');
      this.track(this.removeLeftoverChats(client));
    });
    client.on('auth_failure', () => {
      if (!current()) return;
      this.log.error(
        { dataDir: this.deps.dataDir },
        'login failed (auth_failure): the saved WhatsApp login is not valid any more. Stop the bot, delete the data folder, start it again and scan the new QR code',
      );
      this.giveUp(client);
    });
    client.on('disconnected', (reason) => {
      if (!current()) return;
      const why = typeof reason === 'string' && /^[A-Za-z_ ]{1,40}$/.test(reason) ? reason : 'other';
      if (LOGGED_OUT_REASONS.has(why)) {
        this.log.error(
          { reason: why, dataDir: this.deps.dataDir },
          'logged out: the bot was unlinked from the NGO phone. To pair again: stop the bot, delete the data folder, start it again and scan the new QR code',
        );
        this.giveUp(client);
      } else if (BANNED_REASONS.has(why)) {
        this.log.error(
          { reason: why },
          'WhatsApp blocked this number (terms of service): the WhatsApp channel stops',
        );
        this.giveUp(client);
      } else {
        this.log.warn(
          { reason: why },
          'disconnected from WhatsApp Web (CONFLICT means WhatsApp Web is open elsewhere with this number)',
        );
        this.reconnect(client);
      }
    });
    client.on('message', (m) => {
      if (!current()) return;
      this.receive(m);
    });
    // The library sends a reaction as an event of its own, not as a message.
    client.on('message_reaction', (r) => {
      if (!current()) return;
      this.receiveReaction(r);
    });

    // Stopped or replaced while the browser was starting: close it (stop() came too early to), or
    // it would keep running and keep the process alive.
    const closeIfStale = () => {
      if (current()) return false;
      void client.destroy().catch(() => undefined);
      return true;
    };
    client.initialize().then(
      () => {
        if (!closeIfStale()) opened();
      },
      (err: unknown) => {
        if (closeIfStale()) return;
        opened();
        const net = chromiumNetError(err);
        this.log.error(
          { err: describeError(err), ...(net ? { net } : {}) },
          'could not open WhatsApp Web (is chromium installed and web.whatsapp.com reachable?)',
        );
        this.reconnect(client);
      },
    );
  }

  /** Closes a dead client and starts a fresh one after a growing pause (5 s, 10 s, 20 s ... 5 min). */
  private reconnect(old: WhatsAppClient): void {
    this.client = null;
    clearTimeout(this.openTimer);
    void old.destroy().catch(() => undefined);
    const delay = Math.min(
      this.timing.reconnectMaxMs,
      this.timing.reconnectInitialMs * 2 ** this.reconnectAttempt,
    );
    this.reconnectAttempt += 1;
    this.log.info({ inSeconds: delay / 1000 }, 'reconnecting');
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private giveUp(old: WhatsAppClient): void {
    this.client = null;
    clearTimeout(this.openTimer);
    void old.destroy().catch(() => undefined);
  }

  // === Incoming messages

  private receive(m: IncomingWhatsAppMessage): void {
    if (!shouldAnswer(m, this.startedAtSeconds)) return;
    const chatId = m.from;
    const ref = chatRef(this.deps.secret, 'whatsapp', chatId);
    const input = inputOf(m, this.deps.translator.codes, startWordsOf(this.deps.translator));
    this.enqueue(ref, () => this.turn(ref, chatId, input));
  }

  /** An emoji reaction instead of an answer: she gets the "reply with a number" line. */
  private receiveReaction(r: IncomingWhatsAppReaction): void {
    const chatId = reactionChatToAnswer(r, this.startedAtSeconds);
    if (chatId === undefined) return;
    const ref = chatRef(this.deps.secret, 'whatsapp', chatId);
    this.enqueue(ref, () => this.turn(ref, chatId, { kind: 'unsupported' }));
  }

  private async turn(ref: string, chatId: string, input: Input): Promise<void> {
    let state = this.chats.get(ref);
    if (!state) {
      state = { chatId, lang: null, sent: [], finished: false };
      this.chats.set(ref, state);
    }
    clearTimeout(state.timer);
    const outcome = await this.deps.conversations.handle(ref, input, {
      channel: 'whatsapp',
      langHint: state.lang,
    });
    state.lang = outcome.lang ?? state.lang;
    if (outcome.exit) {
      await this.quickExit(ref, state, outcome);
      return;
    }
    for (const message of outcome.messages) await this.send(ref, state, formatForWhatsApp(message), true);
    if (outcome.events.some((e) => e.type === 'started')) state.finished = false;
    if (outcome.messages.some((m) => m.type === 'result')) state.finished = true;
    this.scheduleEnd(ref, state, state.finished ? this.timing.resultIdleMs : this.timing.sessionTtlMs);
  }

  // === Quick exit and ending conversations

  /**
   * The core has wiped the session. First the one line on how to clear the chat on her phone (so she
   * sees at once that it worked; it is the only message left), then the bot's messages are revoked
   * on her phone, then the chat is removed from the bot's account.
   */
  private async quickExit(ref: string, state: ChatState, outcome: TurnOutcome): Promise<void> {
    this.chats.delete(ref);
    const lang = outcome.lang ?? state.lang;
    const line = quickExitText(outcome.messages, this.deps.translator.t(lang, 'exit.clear_chat'));
    const lineIds = await this.send(ref, state, line, false);
    const ids = await this.messagesToRevoke(state, lineIds);
    let failed = 0;
    await Promise.all(
      ids.map((id) =>
        this.pacer
          .run(ref, () => this.connected().revokeMessage(id), this.pacing.revokeMs ?? 0)
          .then(
            (found) => {
              if (!found) failed += 1;
            },
            () => {
              failed += 1;
            },
          ),
      ),
    );
    if (failed > 0)
      this.log.warn(
        { failed, total: ids.length },
        'quick exit: some bot messages could not be deleted for everyone',
      );
    await sleep(this.timing.chatDeleteDelayMs);
    await this.removeChat(ref, state.chatId);
    this.log.info(
      { deleted: ids.length - failed },
      'quick exit: session wiped, bot messages deleted, chat removed',
    );
  }

  /**
   * The bot's messages in her chat young enough to revoke: those it remembers, and those WhatsApp
   * Web still has in the chat (after a restart the memory is empty), except the exit line itself.
   */
  private async messagesToRevoke(state: ChatState, keep: readonly string[]): Promise<string[]> {
    const oldest = this.now() - MESSAGE_ID_MAX_AGE_S * 1000;
    const ids = new Set(this.freshSent(state).map((s) => s.id));
    try {
      const chat = await this.connected().getChatById(state.chatId);
      const found = await chat.fetchMessages({ limit: MAX_REMEMBERED_MESSAGES, fromMe: true });
      for (const m of found) if (m.fromMe && m.timestamp * 1000 > oldest) ids.add(m.id._serialized);
    } catch (err) {
      this.log.warn({ err: errorName(err) }, "quick exit: could not look up the bot's messages in the chat");
    }
    for (const id of keep) ids.delete(id);
    return [...ids];
  }

  /** After the result and a quiet while, or when the session has expired: remove the chat. */
  private scheduleEnd(ref: string, state: ChatState, ms: number): void {
    clearTimeout(state.timer);
    if (this.stopped) return;
    state.timer = setTimeout(
      () => this.enqueue(ref, () => this.endConversation(ref, state)),
      Math.min(ms, 2 ** 31 - 1),
    );
    state.timer.unref();
  }

  private async endConversation(ref: string, state: ChatState): Promise<void> {
    if (this.chats.get(ref) !== state) return;
    this.chats.delete(ref);
    await this.removeChat(ref, state.chatId);
    this.log.debug('an ended conversation was removed from the bot account');
  }

  /**
   * Removes the chat from the bot's account, so WhatsApp Web's copy in the data folder does not keep
   * it. Clearing its messages is the fallback when deleting is refused.
   */
  private async removeChat(ref: string, chatId: string): Promise<void> {
    try {
      const client = this.connected();
      await this.pacer.run(ref, async () => {
        const chat = await client.getChatById(chatId);
        const deleted = await chat.delete().catch(() => false);
        if (!deleted) await chat.clearMessages();
      });
    } catch (err) {
      this.log.warn({ err: errorName(err) }, 'could not remove a chat from the bot account');
    }
  }

  /**
   * Chats left on the account by an earlier run (their timers died with it): remove those older
   * than the session lifetime now, and time the others.
   */
  private async removeLeftoverChats(client: WhatsAppClient): Promise<void> {
    try {
      const chats = await client.getChats();
      let removed = 0;
      for (const chat of chats) {
        const chatId = chat.id._serialized;
        if (chat.isGroup || !isPrivateChatId(chatId)) continue;
        const ref = chatRef(this.deps.secret, 'whatsapp', chatId);
        if (this.chats.has(ref)) continue;
        const quietMs = this.now() - (chat.timestamp ? chat.timestamp * 1000 : 0);
        if (quietMs >= this.timing.sessionTtlMs) {
          await this.removeChat(ref, chatId);
          removed += 1;
        } else {
          const state: ChatState = { chatId, lang: null, sent: [], finished: false };
          this.chats.set(ref, state);
          this.scheduleEnd(ref, state, this.timing.sessionTtlMs - quietMs);
        }
      }
      if (removed > 0)
        this.log.info({ removed }, 'removed chats of conversations that ended before this start');
    } catch (err) {
      this.log.warn({ err: errorName(err) }, 'could not list chats to remove old ones');
    }
  }

  // === Sending

  /**
   * Sends one text (split if long) and returns the ids of the parts sent. A failed send is logged by
   * error class only; the turn goes on.
   */
  private async send(ref: string, state: ChatState, text: string, remember: boolean): Promise<string[]> {
    const ids: string[] = [];
    for (const part of splitLongText(text)) {
      try {
        const client = this.connected();
        const sent = await this.pacer.run(ref, () => client.sendMessage(state.chatId, part));
        ids.push(sent.id._serialized);
        if (remember) this.remember(state, sent);
      } catch (err) {
        this.log.warn({ err: describeError(err) }, 'a message could not be sent');
        break;
      }
    }
    return ids;
  }

  private remember(state: ChatState, message: SentWhatsAppMessage): void {
    state.sent = [...this.freshSent(state), { id: message.id._serialized, at: this.now() }].slice(
      -MAX_REMEMBERED_MESSAGES,
    );
  }

  /** Sent messages young enough to delete for everyone (48 hours, as on Telegram). */
  private freshSent(state: ChatState): ChatState['sent'] {
    const oldest = this.now() - MESSAGE_ID_MAX_AGE_S * 1000;
    return state.sent.filter((s) => s.at > oldest);
  }

  private connected(): WhatsAppClient {
    if (!this.client) throw new WhatsAppNotConnectedError();
    return this.client;
  }

  // === Ordering

  /** Turns of one chat run one after another, so answers go out in the order she wrote. */
  private enqueue(ref: string, task: () => Promise<void>): void {
    const safe = async () => {
      try {
        await task();
      } catch (err) {
        this.log.error({ err: errorName(err) }, 'a WhatsApp turn failed');
      }
    };
    const previous = this.queues.get(ref) ?? Promise.resolve();
    const run = previous.then(safe);
    this.queues.set(ref, run);
    this.track(run);
    void run.then(() => {
      if (this.queues.get(ref) === run) this.queues.delete(ref);
    });
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}

/**
 * What to log about an error: its class (and code) only, since texts from the browser can hold ids.
 * whatsapp-web.js also throws bare strings of its own ("auth timeout", "ready timeout"); those are
 * logged as they are, as long as they are only letters and spaces (no number can hide in them).
 */
export function describeError(err: unknown): string {
  return typeof err === 'string' && /^[A-Za-z ]{1,40}$/.test(err) ? err : errorName(err);
}

/**
 * Chromium's network error code (e.g. "ERR_NAME_NOT_RESOLVED") from a failed page load, so the log
 * says why WhatsApp Web did not open. Only this fixed code is taken from the message.
 */
export function chromiumNetError(err: unknown): string | undefined {
  return err instanceof Error ? /\bnet::(ERR_[A-Z_]{1,60})\b/.exec(err.message)?.[1] : undefined;
}

/** WhatsApp Web is not connected right now (starting, or reconnecting). */
export class WhatsAppNotConnectedError extends Error {
  constructor() {
    super('WhatsApp Web is not connected');
    this.name = 'WhatsAppNotConnectedError';
  }
}
