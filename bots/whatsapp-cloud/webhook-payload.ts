import type { Input } from '../../src/engine.js';
import { inputFromCallbackData } from '../shared/callback-data.js';
import { textInput } from '../whatsapp-common/start-text.js';

/** One message she sent, as the channel needs it. `from` (her wa_id) never leaves the adapter. */
export interface CloudIncoming {
  /** Meta's message id ("wamid..."): it encodes her number, so it is only ever stored hashed. */
  id: string;
  from: string;
  /** Unix seconds. */
  timestamp: number;
  input: Input;
}

/** What one webhook POST holds for this phone number. */
export interface CloudWebhook {
  messages: CloudIncoming[];
  /** Meta's error codes of messages that could not be delivered (status `failed`); nothing else is kept. */
  deliveryErrors: number[];
}

/** Message types that are not something she sent to answer (her number changed, a notice): no reply. */
const IGNORED_TYPES: ReadonlySet<string> = new Set(['system', 'request_welcome', 'ephemeral']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * Reads a verified webhook body (`object: whatsapp_business_account`): the messages sent to
 * `phoneNumberId` (an app may serve several numbers) and the error codes of failed deliveries.
 * Text is typed input (a leaflet's start text starts), a tapped button or list row is the answer
 * it names, and every other type (image, audio, voice, video, sticker, location, contacts,
 * reaction, document, unsupported...) is `unsupported`: she gets "please choose one of the answers"
 * and the question again. A withdrawn reaction and system notices get no reply.
 */
export function readWebhook(
  body: unknown,
  phoneNumberId: string,
  localeCodes: readonly string[],
  startWords: readonly string[],
): CloudWebhook {
  const out: CloudWebhook = { messages: [], deliveryErrors: [] };
  if (!isObj(body) || body.object !== 'whatsapp_business_account') return out;
  for (const entry of list(body.entry)) {
    for (const change of list(entry.changes)) {
      const value = change.value;
      if (change.field !== 'messages' || !isObj(value)) continue;
      if (isObj(value.metadata) && value.metadata.phone_number_id !== phoneNumberId) continue;
      for (const m of list(value.messages)) {
        const id = str(m.id);
        const from = str(m.from);
        const timestamp = Number(m.timestamp);
        const input = inputOf(m, localeCodes, startWords);
        if (id && from && Number.isFinite(timestamp) && input)
          out.messages.push({ id, from, timestamp, input });
      }
      for (const s of list(value.statuses)) {
        if (s.status !== 'failed') continue;
        for (const e of list(s.errors)) if (typeof e.code === 'number') out.deliveryErrors.push(e.code);
      }
    }
  }
  return out;
}

function inputOf(m: Obj, localeCodes: readonly string[], startWords: readonly string[]): Input | undefined {
  const type = str(m.type) ?? 'unsupported';
  if (IGNORED_TYPES.has(type)) return undefined;
  if (type === 'text') {
    const body = isObj(m.text) ? str(m.text.body) : undefined;
    return body ? textInput(body, localeCodes, startWords) : { kind: 'unsupported' };
  }
  if (type === 'interactive' && isObj(m.interactive)) {
    const reply = m.interactive.button_reply ?? m.interactive.list_reply;
    const id = isObj(reply) ? str(reply.id) : undefined;
    // An id the bot did not make (or an old format) shows the current question again.
    return id ? inputFromCallbackData(id) : { kind: 'open' };
  }
  if (type === 'reaction' && !(isObj(m.reaction) && str(m.reaction.emoji))) return undefined;
  return { kind: 'unsupported' };
}
