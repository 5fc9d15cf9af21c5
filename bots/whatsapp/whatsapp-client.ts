/**
 * The small slice of the whatsapp-web.js `Client` the WhatsApp channel uses. The channel depends on
 * this interface only, so tests drive it with a fake client and the library stays behind one file
 * (web-client.ts). Field names follow the library's `Message`, `Reaction` and `Chat` objects.
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

/**
 * The fields of an incoming library `Reaction` (event `message_reaction`) the channel reads. The
 * library sends reactions as their own event, not as a `message`.
 */
export interface IncomingWhatsAppReaction {
  /** The reaction's own key: `remote` is the chat, `fromMe` is true for the bot's own reactions. */
  id: { fromMe: boolean; remote: string | WhatsAppId };
  /** The emoji; empty when a reaction was taken back. */
  reaction: string;
  /** Unix seconds (may have a fraction). */
  timestamp: number;
}

/** A message the bot sent. Its id is enough to revoke it later, through whichever client is current. */
export interface SentWhatsAppMessage {
  id: WhatsAppId;
}

/** A message in a chat on the bot's account (from `fetchMessages`). */
export interface ChatWhatsAppMessage {
  id: WhatsAppId;
  fromMe: boolean;
  /** Unix seconds. */
  timestamp: number;
}

/** A chat on the bot's own account. The channel never reads its name or contact. */
export interface WhatsAppChat {
  id: WhatsAppId;
  isGroup: boolean;
  /** Unix seconds of the last message. */
  timestamp: number;
  /** The latest messages of the chat, at most `limit`, only the bot's own with `fromMe: true`. */
  fetchMessages(options: { limit: number; fromMe: boolean }): Promise<ChatWhatsAppMessage[]>;
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
  message_reaction: (reaction: IncomingWhatsAppReaction) => void;
}

/** What the channel needs from a whatsapp-web.js client. */
export interface WhatsAppClient {
  on<E extends keyof WhatsAppClientEvents>(event: E, handler: WhatsAppClientEvents[E]): void;
  /** Launches the browser and opens WhatsApp Web; events follow. */
  initialize(): Promise<void>;
  sendMessage(chatId: string, text: string): Promise<SentWhatsAppMessage>;
  /**
   * Deletes one of the bot's messages for everyone ("This message was deleted" on her phone), or
   * only on the bot's side once WhatsApp no longer allows that. False when the message is unknown.
   */
  revokeMessage(messageId: string): Promise<boolean>;
  getChatById(chatId: string): Promise<WhatsAppChat>;
  /** Every chat on the bot's account (used once at start-up to remove chats left by an earlier run). */
  getChats(): Promise<WhatsAppChat[]>;
  /** Closes the browser. */
  destroy(): Promise<void>;
}
