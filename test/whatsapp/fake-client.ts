import { EventEmitter } from 'node:events';
import type {
  IncomingWhatsAppMessage,
  SentWhatsAppMessage,
  WhatsAppChat,
  WhatsAppClient,
  WhatsAppClientEvents,
} from '../../bots/whatsapp/whatsapp-client.js';

/** The bot's own number in these tests. */
export const BOT_ID = '85250000000@c.us';

/** A message the fake client "sent", with what happened to it since. */
export interface FakeSent {
  chatId: string;
  text: string;
  id: string;
  deletedForEveryone: boolean;
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

/**
 * A whatsapp-web.js client without a browser: the test emits library-shaped events and reads back
 * every send, revoke and chat removal.
 */
export class FakeWhatsAppClient implements WhatsAppClient {
  readonly events = new EventEmitter();
  readonly sent: FakeSent[] = [];
  readonly deletedChats: string[] = [];
  readonly clearedChats: string[] = [];
  chats: FakeChat[] = [];
  initialized = false;
  destroyed = false;
  /** The next N sends throw. */
  failSends = 0;
  /** `initialize()` rejects with this. */
  initializeError: Error | undefined;
  /** `initialize()` waits for this (a browser that takes its time to start). */
  initializeGate: Promise<void> | undefined;
  destroyCount = 0;
  private seq = 0;

  on<E extends keyof WhatsAppClientEvents>(event: E, handler: WhatsAppClientEvents[E]): void {
    this.events.on(event, handler);
  }

  async initialize(): Promise<void> {
    await this.initializeGate;
    if (this.initializeError) throw this.initializeError;
    this.initialized = true;
  }

  async sendMessage(chatId: string, text: string): Promise<SentWhatsAppMessage> {
    if (this.failSends > 0) {
      this.failSends -= 1;
      throw new SendFailure();
    }
    const record: FakeSent = {
      chatId,
      text,
      id: `true_${chatId}_3EB0${(this.seq++).toString(16).padStart(8, '0')}`,
      deletedForEveryone: false,
    };
    this.sent.push(record);
    return {
      id: { _serialized: record.id },
      delete: async (everyone?: boolean) => {
        if (everyone) record.deletedForEveryone = true;
      },
    };
  }

  async getChatById(chatId: string): Promise<WhatsAppChat> {
    return this.chat({ id: chatId, isGroup: chatId.endsWith('@g.us'), timestamp: 0 });
  }

  async getChats(): Promise<WhatsAppChat[]> {
    return this.chats.map((c) => this.chat(c));
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
    return this.sent.filter((s) => s.chatId === chatId).map((s) => s.text);
  }

  private chat(c: FakeChat): WhatsAppChat {
    return {
      id: { _serialized: c.id },
      isGroup: c.isGroup,
      timestamp: c.timestamp,
      delete: async () => {
        this.deletedChats.push(c.id);
        return true;
      },
      clearMessages: async () => {
        this.clearedChats.push(c.id);
        return true;
      },
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
