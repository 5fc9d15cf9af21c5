import { EventEmitter } from 'node:events';
import type {
  ChatWhatsAppMessage,
  IncomingWhatsAppMessage,
  IncomingWhatsAppReaction,
  SentWhatsAppMessage,
  WhatsAppChat,
  WhatsAppClient,
  WhatsAppClientEvents,
} from '../../bots/whatsapp/whatsapp-client.js';

/** The bot's own number in these tests. */
export const BOT_ID = '85250000000@c.us';

/** A message the fake account "sent", with what happened to it since. */
export interface FakeSent {
  chatId: string;
  text: string;
  id: string;
  /** Unix seconds. */
  timestamp: number;
  deletedForEveryone: boolean;
  /** Still in the chat on the bot's account (false once the chat was deleted or cleared). */
  inChat: boolean;
}

/** A chat on the fake bot account (for the start-up sweep). */
export interface FakeChat {
  id: string;
  isGroup: boolean;
  timestamp: number;
}

class SendFailure extends Error {
  constructor() {
    // A real puppeteer error text can hold the chat id; the channel must log the class only.
    super('Evaluation failed: chat 85291234567@c.us not found');
    this.name = 'ProtocolError';
  }
}

/** What puppeteer throws for a call on a browser that was closed. */
class TargetClosed extends Error {
  constructor() {
    super('Protocol error (Runtime.callFunctionOn): Target closed');
    this.name = 'TargetCloseError';
  }
}

/**
 * The NGO's WhatsApp account as WhatsApp Web sees it: what was sent, revoked and removed. It
 * outlives the clients, as the real account outlives a browser: a reconnect or a restart makes a
 * new client on the same account.
 */
export class FakeAccount {
  readonly sent: FakeSent[] = [];
  readonly deletedChats: string[] = [];
  readonly clearedChats: string[] = [];
  chats: FakeChat[] = [];
  /** Every action on the account in order: "send <chat>", "revoke <message id>", "delete-chat <chat>". */
  readonly actions: string[] = [];
  private seq = 0;

  nextMessageId(chatId: string): string {
    return `true_${chatId}_3EB0${(this.seq++).toString(16).padStart(8, '0')}`;
  }
}

/**
 * A whatsapp-web.js client without a browser: the test emits library-shaped events and reads back
 * every send, revoke and chat removal on its account. Once destroyed it refuses every call, like
 * the library's client whose browser is gone.
 */
export class FakeWhatsAppClient implements WhatsAppClient {
  readonly events = new EventEmitter();
  initialized = false;
  destroyed = false;
  /** The next N sends throw. */
  failSends = 0;
  /** Every revoke throws. */
  failRevokes = false;
  /** `initialize()` rejects with this. */
  initializeError: unknown;
  /** `initialize()` waits for this (a browser that takes its time to start). */
  initializeGate: Promise<void> | undefined;
  destroyCount = 0;
  /** When each send happened (Date.now()), to check the pacing. */
  readonly sendTimes: number[] = [];

  constructor(readonly account: FakeAccount = new FakeAccount()) {}

  get sent(): FakeSent[] {
    return this.account.sent;
  }

  get deletedChats(): string[] {
    return this.account.deletedChats;
  }

  get clearedChats(): string[] {
    return this.account.clearedChats;
  }

  get chats(): FakeChat[] {
    return this.account.chats;
  }

  set chats(chats: FakeChat[]) {
    this.account.chats = chats;
  }

  on<E extends keyof WhatsAppClientEvents>(event: E, handler: WhatsAppClientEvents[E]): void {
    this.events.on(event, handler);
  }

  async initialize(): Promise<void> {
    await this.initializeGate;
    if (this.initializeError !== undefined) throw this.initializeError;
    this.initialized = true;
  }

  async sendMessage(chatId: string, text: string): Promise<SentWhatsAppMessage> {
    this.alive();
    if (this.failSends > 0) {
      this.failSends -= 1;
      throw new SendFailure();
    }
    this.sendTimes.push(Date.now());
    const record: FakeSent = {
      chatId,
      text,
      id: this.account.nextMessageId(chatId),
      timestamp: Math.floor(Date.now() / 1000),
      deletedForEveryone: false,
      inChat: true,
    };
    this.account.sent.push(record);
    this.account.actions.push(`send ${chatId}`);
    return { id: { _serialized: record.id } };
  }

  async revokeMessage(messageId: string): Promise<boolean> {
    this.alive();
    if (this.failRevokes) throw new Error('revoke refused');
    const record = this.account.sent.find((s) => s.id === messageId && s.inChat);
    if (!record) return false;
    record.deletedForEveryone = true;
    this.account.actions.push(`revoke ${messageId}`);
    return true;
  }

  async getChatById(chatId: string): Promise<WhatsAppChat> {
    this.alive();
    return this.chat({ id: chatId, isGroup: chatId.endsWith('@g.us'), timestamp: 0 });
  }

  async getChats(): Promise<WhatsAppChat[]> {
    this.alive();
    return this.account.chats.map((c) => this.chat(c));
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.destroyCount += 1;
  }

  /** Emits a client event as the library would. */
  emit<E extends keyof WhatsAppClientEvents>(event: E, ...args: Parameters<WhatsAppClientEvents[E]>): void {
    this.events.emit(event, ...args);
  }

  /** Texts sent to one chat, in order. */
  textsTo(chatId: string): string[] {
    return this.account.sent.filter((s) => s.chatId === chatId).map((s) => s.text);
  }

  private alive(): void {
    if (this.destroyed) throw new TargetClosed();
  }

  private chat(c: FakeChat): WhatsAppChat {
    const leave = (list: string[]) => {
      this.alive();
      list.push(c.id);
      this.account.actions.push(`delete-chat ${c.id}`);
      for (const s of this.account.sent) if (s.chatId === c.id) s.inChat = false;
      return true;
    };
    return {
      id: { _serialized: c.id },
      isGroup: c.isGroup,
      timestamp: c.timestamp,
      fetchMessages: async ({ limit, fromMe }): Promise<ChatWhatsAppMessage[]> => {
        this.alive();
        // The bot's own messages only: the fake account holds no message of hers.
        if (!fromMe) return [];
        return this.account.sent
          .filter((s) => s.chatId === c.id && s.inChat)
          .slice(-limit)
          .map((s) => ({ id: { _serialized: s.id }, fromMe: true, timestamp: s.timestamp }));
      },
      delete: async () => leave(this.account.deletedChats),
      clearMessages: async () => leave(this.account.clearedChats),
    };
  }
}

let messageSeq = 0;

/**
 * An incoming message shaped like the library's `Message` (the fields it has for a received text
 * in a private chat), with `over` applied.
 */
export function libraryMessage(
  from: string,
  body: string,
  over: Partial<IncomingWhatsAppMessage> & Record<string, unknown> = {},
): IncomingWhatsAppMessage {
  const key = `3A${(messageSeq++).toString(16).padStart(10, '0')}`;
  const message = {
    id: { fromMe: false, remote: from, id: key, _serialized: `false_${from}_${key}` },
    ack: 1,
    hasMedia: false,
    body,
    type: 'chat',
    timestamp: Math.floor(Date.now() / 1000),
    from,
    to: BOT_ID,
    author: undefined,
    deviceType: 'android',
    isForwarded: false,
    forwardingScore: 0,
    isStatus: false,
    isStarred: false,
    broadcast: false,
    fromMe: false,
    hasQuotedMsg: false,
    hasReaction: false,
    mentionedIds: [],
    links: [],
    ...over,
  };
  return message;
}

/**
 * An incoming reaction shaped like the library's `Reaction` (event `message_reaction`): `id` is
 * the reaction's key (its `remote` is the chat), `msgId` the message reacted to, `timestamp` in
 * seconds with a fraction (the library divides WhatsApp's milliseconds by 1000).
 */
export function libraryReaction(
  chatId: string,
  emoji: string,
  over: Partial<IncomingWhatsAppReaction> & Record<string, unknown> = {},
): IncomingWhatsAppReaction {
  const key = `3A${(messageSeq++).toString(16).padStart(10, '0')}`;
  return {
    id: { fromMe: false, remote: chatId, id: key, _serialized: `false_${chatId}_${key}` },
    orphan: 0,
    orphanReason: null,
    timestamp: Date.now() / 1000,
    reaction: emoji,
    read: false,
    msgId: { fromMe: true, remote: chatId, id: '3EB000000001', _serialized: `true_${chatId}_3EB000000001` },
    senderId: chatId,
    ack: undefined,
    ...over,
  } as IncomingWhatsAppReaction;
}
