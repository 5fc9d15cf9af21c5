import type { InlineKeyboardButton } from 'grammy/types';
import { inputFromCallbackData } from '../../bots/shared/callback-data.js';
import { renderForTelegram } from '../../bots/telegram/telegram-message.js';
import { formatForWhatsApp, quickExitText, splitLongText } from '../../bots/whatsapp-common/format-for-whatsapp.js';
import type { Input } from '../engine.js';
import type { RenderedMessage } from '../render.js';

/** What tapping a button sends to the bot: an answer, or the help-numbers or exit command. */
export type PhoneInput = Extract<Input, { kind: 'choice' } | { kind: 'command' } | { kind: 'open' }>;

/** A button on the phone: its label exactly as the channel sends it, and what tapping it does. */
export interface PhoneButton {
  text: string;
  input: PhoneInput;
}

/** One message bubble as the channel sends it, with its button rows (none on a text-only channel). */
export interface PhoneBubble {
  text: string;
  /** The kind of rendered message it comes from (question, message, result). */
  type: RenderedMessage['type'];
  rows: PhoneButton[][];
}

/** What a channel view may need besides the messages: texts the channel adds itself, in her language. */
export interface ChannelViewContext {
  t(key: string): string;
}

/**
 * How one channel shows the engine's messages on a phone. Each view calls the channel's own
 * formatting code (never a copy of it), so the preview shows what the channel sends. A new channel
 * (e.g. the WhatsApp Cloud API with its interactive buttons and lists) adds one view to CHANNEL_VIEWS.
 */
export interface ChannelView {
  id: string;
  /** The name in the preview's channel menu. */
  name: string;
  render(messages: readonly RenderedMessage[], ctx: ChannelViewContext): PhoneBubble[];
}

/** Telegram: the texts split at Telegram's limit, the inline keyboard the bot builds, row by row. */
export const telegramView: ChannelView = {
  id: 'telegram',
  name: 'Telegram',
  render: (messages) =>
    messages.flatMap((m) =>
      renderForTelegram(m).map((out) => ({
        text: out.text,
        type: m.type,
        rows: (out.keyboard?.inline_keyboard ?? []).map((row) => row.map(telegramButton)),
      })),
    ),
};

function telegramButton(b: InlineKeyboardButton): PhoneButton {
  const data = 'callback_data' in b ? b.callback_data : '';
  const input = inputFromCallbackData(data);
  // Every button the bot builds is an answer or a command; anything else shows the question again, as on Telegram.
  return { text: b.text, input: input.kind === 'choice' || input.kind === 'command' ? input : { kind: 'open' } };
}

/**
 * WhatsApp Web (whatsapp-web.js): plain text, questions as a numbered list she answers by typing,
 * long texts split as the channel splits them, and a quick exit's one line as the channel sends it.
 */
export const whatsAppView: ChannelView = {
  id: 'whatsapp',
  name: 'WhatsApp',
  render(messages, ctx) {
    if (messages.some((m) => m.type === 'message' && m.exit)) {
      return splitLongText(quickExitText(messages, ctx.t('exit.clear_chat'))).map((text) => ({ text, type: 'message', rows: [] }));
    }
    return messages.flatMap((m) => splitLongText(formatForWhatsApp(m)).map((text) => ({ text, type: m.type, rows: [] })));
  },
};

/** The channels the preview can show, the first one by default. */
export const CHANNEL_VIEWS: readonly ChannelView[] = [telegramView, whatsAppView];

/** The messages of one turn as every channel shows them, by channel id. */
export function renderForChannels(messages: readonly RenderedMessage[], ctx: ChannelViewContext): Record<string, PhoneBubble[]> {
  return Object.fromEntries(CHANNEL_VIEWS.map((v) => [v.id, v.render(messages, ctx)]));
}
