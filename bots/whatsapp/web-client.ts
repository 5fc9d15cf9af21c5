import { join } from 'node:path';
import wwebjs from 'whatsapp-web.js';
import type {
  SentWhatsAppMessage,
  WhatsAppChat,
  WhatsAppClient,
  WhatsAppClientEvents,
} from './whatsapp-client.js';

// whatsapp-web.js is CommonJS: its classes are reached through the default export under ESM.
const { Client, LocalAuth } = wwebjs;

/**
 * Chromium flags for a server: no sandbox (containers, root), no GPU, /tmp instead of a small
 * /dev/shm, and none of the background traffic (updates, sync, component downloads).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the browser is and where WhatsApp Web keeps the bot number's login. */
export interface WebClientSettings {
  /** CHROMIUM_PATH, e.g. /usr/bin/chromium (Debian's package). */
  executablePath: string;
  /** WHATSAPP_DATA_DIR: the LocalAuth session and the cached WhatsApp Web page live here. */
  dataDir: string;
}

/**
 * The whatsapp-web.js Client options: Debian's chromium, headless, the LocalAuth session in the
 * data folder, and the cached WhatsApp Web page there too (not in `./.wwebjs_cache` of the cwd).
 * Exported so a test can check the wiring without launching a browser.
 */
export function buildClientOptions(settings: WebClientSettings): wwebjs.ClientOptions {
  return {
    authStrategy: new LocalAuth({ dataPath: settings.dataDir }),
    webVersionCache: { type: 'local', path: join(settings.dataDir, 'web-cache') },
    puppeteer: {
      executablePath: settings.executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      // Our shutdown (src/main.ts) closes the browser after the turns in flight; puppeteer's own
      // handlers would kill it at once and exit on Ctrl-C before Telegram and the store are closed.
      // It still kills the browser when the process exits.
      handleSIGINT: false,
      handleSIGTERM: false,
    },
  };
}

/** The library's client behind the channel's slice. Creating it launches nothing; `initialize()` does. */
export class WebClient implements WhatsAppClient {
  /** The whatsapp-web.js Client itself (for the wiring test; the channel never touches it). */
  readonly library: wwebjs.Client;

  constructor(settings: WebClientSettings) {
    this.library = new Client(buildClientOptions(settings));
  }

  on<E extends keyof WhatsAppClientEvents>(event: E, handler: WhatsAppClientEvents[E]): void {
    this.library.on(event, handler as (...args: unknown[]) => void);
  }

  initialize(): Promise<void> {
    return this.library.initialize();
  }

  async sendMessage(chatId: string, text: string): Promise<SentWhatsAppMessage> {
    // No link previews: fetching one would tell a third-party site that this chat talked about it.
    const sent = await this.library.sendMessage(chatId, text, { linkPreview: false });
    if (!sent) throw new WhatsAppSendError('WhatsApp Web returned no message (chat not found)');
    return sent;
  }

  async revokeMessage(messageId: string): Promise<boolean> {
    const message = await this.library.getMessageById(messageId);
    if (!message?.fromMe) return false;
    // The library revokes for everyone while WhatsApp allows it, else deletes on the bot's side.
    await message.delete(true);
    return true;
  }

  getChatById(chatId: string): Promise<WhatsAppChat> {
    return this.library.getChatById(chatId);
  }

  getChats(): Promise<WhatsAppChat[]> {
    return this.library.getChats();
  }

  destroy(): Promise<void> {
    return this.library.destroy();
  }
}

/** WhatsApp Web accepted a send but produced no message. The text never holds an id. */
export class WhatsAppSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WhatsAppSendError';
  }
}
