/**
 * The small slice of the whatsapp-web.js `Client` the WhatsApp channel uses. The channel depends on
 * this interface only, so tests drive it with a fake client and the library stays behind one file
 * (web-client.ts). Field names follow the library's `Message` and `Chat` objects.
 */

/** A WhatsApp id as the library serialises it, e.g. "85291234567@c.us" or "123456789012345@lid". */
export interface WhatsAppId {
  _serialized: string;
}

/** The fields of an incoming library `Message` the channel reads. Nothing else is touched. */
export interface IncomingWhatsAppMessage {
  id: WhatsAppId;
  /** The chat the message came from: "...@c.us" or "...@lid" for a person, "...@g.us" for a group. */
  from: string;
  body: string;
  /** The library's MessageTypes value: "chat" for text, "image", "ptt", "sticker", ... */
  type: string;
  fromMe: boolean;
  isStatus: boolean;
  broadcast?: boolean;
  /** Unix seconds. */
  timestamp: number;
  hasMedia?: boolean;
}

/** A message the bot sent: enough to delete it again. */
export interface SentWhatsAppMessage {
  id: WhatsAppId;
  /** `everyone = true` revokes it on her phone too ("This message was deleted"). */
  delete(everyone?: boolean): Promise<void>;
}

/** A chat on the bot's own account. The channel never reads its name or contact. */
export interface WhatsAppChat {
  id: WhatsAppId;
  isGroup: boolean;
  /** Unix seconds of the last message. */
  timestamp: number;
  /** Removes the chat (and WhatsApp Web's local copy of its messages) from the bot's account. */
  delete(): Promise<boolean>;
  clearMessages(): Promise<boolean>;
}

/** The client events the channel listens to, with the library's payloads. */
export interface WhatsAppClientEvents {
  qr: (qr: string) => void;
  authenticated: () => void;
  ready: () => void;
  auth_failure: (message: string) => void;
  /** `reason` is a WhatsApp Web state such as "NAVIGATION", "CONFLICT" or "LOGOUT". */
  disconnected: (reason: string) => void;
  message: (message: IncomingWhatsAppMessage) => void;
}

/** What the channel needs from a whatsapp-web.js client. */
export interface WhatsAppClient {
  on<E extends keyof WhatsAppClientEvents>(event: E, handler: WhatsAppClientEvents[E]): void;
  /** Launches the browser and opens WhatsApp Web; events follow. */
  initialize(): Promise<void>;
  sendMessage(chatId: string, text: string): Promise<SentWhatsAppMessage>;
  getChatById(chatId: string): Promise<WhatsAppChat>;
  /** Every chat on the bot's account (used once at start-up to remove chats left by an earlier run). */
  getChats(): Promise<WhatsAppChat[]>;
  /** Closes the browser. */
  destroy(): Promise<void>;
}
