import type { Message } from 'grammy/types';
import type { Input } from '../../src/engine.js';
import { slashCommand } from '../../src/input.js';
import { COMMANDS, type Command } from '../../src/system-keys.js';

/** What Telegram allows in a `t.me/<bot>?start=<payload>` link. */
const START_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;
/** The campaign code the engine keeps for the anonymous counts. */
const CAMPAIGN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Service notices Telegram puts into a private chat by itself (not something she sent): ignored.
 * Every other message without text is answered with "please use the buttons".
 */
const SERVICE_FIELDS = [
  'message_auto_delete_timer_changed',
  'pinned_message',
  'chat_background_set',
  'write_access_allowed',
] as const;

/**
 * Reads a leaflet's start payload: `<lang>` or `<lang>-<campaign>`, e.g. `id-mfmw2026` or
 * `zh-HK-sunday`. The language must be one the bot speaks (any letter case). Anything else is
 * ignored and she starts with the language question, as without a link.
 */
export function parseStartPayload(
  payload: string,
  localeCodes: readonly string[],
): { lang?: string; campaign?: string } {
  if (!START_PAYLOAD.test(payload)) return {};
  const lower = payload.toLowerCase();
  // Longest first, so `zh-HK-x` is Chinese (Hong Kong) with campaign `x`, not a language `zh`.
  for (const code of [...localeCodes].sort((a, b) => b.length - a.length)) {
    const c = code.toLowerCase();
    if (lower === c) return { lang: code };
    if (lower.startsWith(`${c}-`)) {
      const campaign = payload.slice(c.length + 1);
      return CAMPAIGN.test(campaign) ? { lang: code, campaign } : { lang: code };
    }
  }
  return {};
}

/**
 * The engine input for a message in a private chat, or null for Telegram's own service notices.
 * `/start [payload]` starts (with the leaflet's language and campaign), `/help` `/contacts`
 * `/language` `/exit` `/restart` are commands, other text is text (the engine understands typed
 * answers, exit words and unknown commands), and every other kind of message is unsupported.
 */
export function inputFromMessage(message: Message, localeCodes: readonly string[]): Input | null {
  if (typeof message.text === 'string') {
    // Any `/start`, whatever follows it: a bad payload is dropped, the start still happens.
    const start = /^\/start(?:@\w+)?(?:\s+(\S*))?\s*$/i.exec(message.text.trim());
    if (start) return { kind: 'start', ...parseStartPayload(start[1] ?? '', localeCodes) };
    const slash = slashCommand(message.text);
    if (slash && (COMMANDS as readonly string[]).includes(slash.name)) {
      return { kind: 'command', command: slash.name as Command };
    }
    // A reply to one of the bot's messages: she was answering an earlier question.
    return message.reply_to_message?.from?.is_bot === true ? { kind: 'text', text: message.text, reply: true } : { kind: 'text', text: message.text };
  }
  if (SERVICE_FIELDS.some((f) => f in message)) return null;
  return { kind: 'unsupported' };
}
