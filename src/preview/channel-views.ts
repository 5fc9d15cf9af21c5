import type { InlineKeyboardButton } from 'grammy/types';
import { inputFromCallbackData } from '../../bots/shared/callback-data.js';
import { renderForTelegram } from '../../bots/telegram/telegram-message.js';
import type { GraphMessage } from '../../bots/whatsapp-cloud/graph-api.js';
import { renderForCloud } from '../../bots/whatsapp-cloud/interactive-question.js';
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
 * adds one view to CHANNEL_VIEWS.
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
  return { text: b.text, input: tapInput('callback_data' in b ? b.callback_data : '') };
}

/** What tapping a button with this id does: every button the bots build is an answer or a command; anything else shows the question again, as on the phone. */
function tapInput(data: string | undefined): PhoneInput {
  const input = inputFromCallbackData(data ?? '');
  return input.kind === 'choice' || input.kind === 'command' ? input : { kind: 'open' };
}

/** A quick exit on a WhatsApp channel: the exit line and that channel's line on clearing the chat, as one text. */
function exitBubbles(messages: readonly RenderedMessage[], clearChatLine: string): PhoneBubble[] | undefined {
  if (!messages.some((m) => m.type === 'message' && m.exit)) return undefined;
  return splitLongText(quickExitText(messages, clearChatLine)).map((text) => ({ text, type: 'message', rows: [] }));
}

/**
 * WhatsApp Web (whatsapp-web.js): plain text, questions as a numbered list she answers by typing,
 * long texts split as the channel splits them, and a quick exit's one line as the channel sends it.
 */
export const whatsAppView: ChannelView = {
  id: 'whatsapp',
  name: 'WhatsApp (Web)',
  render: (messages, ctx) =>
    exitBubbles(messages, ctx.t('exit.clear_chat')) ??
    messages.flatMap((m) => splitLongText(formatForWhatsApp(m)).map((text) => ({ text, type: m.type, rows: [] }))),
};

/**
 * WhatsApp through Meta's Cloud API: a question as the interactive message the channel sends
 * (reply buttons stacked one per row; or a list, whose rows are drawn under the body as the sheet
 * that opens when she taps the list button, a row's description after its title), texts split as
 * the channel splits them, and a quick exit's line telling her how to delete the chat herself.
 */
export const whatsAppCloudView: ChannelView = {
  id: 'whatsapp-cloud',
  name: 'WhatsApp (Cloud API)',
  render: (messages, ctx) =>
    exitBubbles(messages, ctx.t('exit.delete_chat')) ??
    messages.flatMap((m) => renderForCloud(m, ctx.t('nav.choose')).map((g) => cloudBubble(g, m.type))),
};

/** The parts of a Cloud API interactive message the phone shows. */
interface CloudInteractive {
  type: 'button' | 'list';
  body: { text: string };
  action: {
    button?: string;
    buttons?: { reply: { id: string; title: string } }[];
    sections?: { rows: { id: string; title: string; description?: string }[] }[];
  };
}

function cloudBubble(g: GraphMessage, type: RenderedMessage['type']): PhoneBubble {
  if (g.type === 'text') return { text: g.text.body, type, rows: [] };
  const i = g.interactive as CloudInteractive;
  const buttons = i.action.buttons ?? [];
  const rows = (i.action.sections ?? []).flatMap((s) => s.rows);
  return {
    text: i.type === 'list' && i.action.button ? `${i.body.text}\n\n[${i.action.button}]` : i.body.text,
    type,
    rows: [
      ...buttons.map((b) => [{ text: b.reply.title, input: tapInput(b.reply.id) }]),
      ...rows.map((r) => [{ text: r.description ? `${r.title} · ${r.description}` : r.title, input: tapInput(r.id) }]),
    ],
  };
}

/** The channels the preview can show, the first one by default. */
export const CHANNEL_VIEWS: readonly ChannelView[] = [telegramView, whatsAppView, whatsAppCloudView];

/** The messages of one turn as every channel shows them, by channel id. */
export function renderForChannels(messages: readonly RenderedMessage[], ctx: ChannelViewContext): Record<string, PhoneBubble[]> {
  return Object.fromEntries(CHANNEL_VIEWS.map((v) => [v.id, v.render(messages, ctx)]));
}
