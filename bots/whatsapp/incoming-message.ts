import type { Input } from '../../src/engine.js';
import { textInput } from '../whatsapp-common/start-text.js';
import type { IncomingWhatsAppMessage, IncomingWhatsAppReaction } from './whatsapp-client.js';

/** A person's chat: a phone-number id ("...@c.us") or a hidden-number id ("...@lid"). */
export function isPrivateChatId(id: string): boolean {
  return /@(c\.us|lid)$/.test(id);
}

/**
 * Message types WhatsApp uses for notices, not for something she sent (security code changed,
 * a missed call, a message still being decrypted...). They get no answer at all.
 */
const NOTICE_TYPES: ReadonlySet<string> = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'group_notification',
  'gp2',
  'protocol',
  'call_log',
  'ciphertext',
  'debug',
  'broadcast_notification',
]);

/**
 * True for a message the bot should answer: from a person in a private 1:1 chat, not from the bot's
 * own number, not a status update or broadcast, and sent after this process started (so a restart
 * does not answer a backlog of old messages).
 */
export function shouldAnswer(m: IncomingWhatsAppMessage, startedAtSeconds: number): boolean {
  if (m.fromMe || m.isStatus || m.broadcast) return false;
  if (!isPrivateChatId(m.from)) return false;
  if (NOTICE_TYPES.has(m.type)) return false;
  return m.timestamp >= startedAtSeconds;
}

/**
 * What the engine gets for a message: typed text (a leaflet's "START id-campaign", or the start
 * word of that language, starts the assessment in that language), or `unsupported` for a photo,
 * voice note, sticker, location, contact card, reaction, poll or anything else that is not text.
 */
export function inputOf(
  m: IncomingWhatsAppMessage,
  localeCodes: readonly string[],
  startWords: readonly string[] = ['start'],
): Input {
  if (m.type !== 'chat') return { kind: 'unsupported' };
  return textInput(m.body, localeCodes, startWords);
}

/**
 * The private chat a reaction should be answered in (she reacted with an emoji instead of typing a
 * number), or undefined for a reaction the bot ignores: its own, one taken back, one in a group or
 * channel, or one from before this process started (the library replays old reactions on sync).
 */
export function reactionChatToAnswer(
  r: IncomingWhatsAppReaction,
  startedAtSeconds: number,
): string | undefined {
  if (r.id.fromMe || !r.reaction) return undefined;
  const chatId = typeof r.id.remote === 'string' ? r.id.remote : r.id.remote._serialized;
  if (!isPrivateChatId(chatId)) return undefined;
  return r.timestamp >= startedAtSeconds ? chatId : undefined;
}
