import { errorName, type Conversations } from '../../src/conversation.js';
import type { Input } from '../../src/engine.js';
import type { Translator } from '../../src/i18n.js';
import type { Logger } from '../../src/log.js';
import { chatRef } from '../../src/privacy.js';
import type { RenderedMessage } from '../../src/render.js';
import { quickExitText } from '../whatsapp-common/format-for-whatsapp.js';
import { SendPacer, sleep } from '../whatsapp-common/send-pacer.js';
import { startWordsOf } from '../whatsapp-common/start-text.js';
import {
  GraphApiError,
  GraphNetworkError,
  INVALID_TOKEN_CODE,
  OUTSIDE_WINDOW_CODE,
  PAYMENT_CODE,
  UNDELIVERABLE_CODE,
  type GraphApi,
  type GraphMessage,
} from './graph-api.js';
import { renderAsText, renderForCloud } from './interactive-question.js';
import { readWebhook, type CloudIncoming } from './webhook-payload.js';

/** The channel's name in the anonymous counts and the namespace of its chat references. */
export const CLOUD_CHANNEL = 'whatsapp-cloud';
/**
 * The bot may only answer within 24 hours of her last message (no templates are ever sent), so an
 * older message (a re-delivery after a long outage) is dropped, and a message id is remembered,
 * across instances, for as long as Meta could still re-deliver a message the bot would answer.
 */
const ANSWER_WINDOW_S = 24 * 3600;
const MESSAGE_ID_TTL_S = ANSWER_WINDOW_S + 3600;
/** Message ids remembered in this process, to drop a quick re-delivery without asking the store. */
const REMEMBERED_IDS = 10_000;
/** Error codes after which no other message can reach her either: no help numbers are tried. */
const UNREACHABLE_CODES: ReadonlySet<number> = new Set([
  INVALID_TOKEN_CODE,
  UNDELIVERABLE_CODE,
  OUTSIDE_WINDOW_CODE,
]);
/** Codes of a malformed message (invalid parameter): an interactive message is sent again as text. */
const BAD_MESSAGE_CODES: ReadonlySet<number> = new Set([100, 131008, 131009]);

export interface CloudChannelDeps {
  conversations: Conversations;
  translator: Translator;
  /** SESSION_SECRET: keys the chat references that replace wa_ids. */
  secret: string;
  logger: Logger;
  graph: GraphApi;
  /** WHATSAPP_CLOUD_PHONE_NUMBER_ID: messages to other numbers of the same app are not ours. */
  phoneNumberId: string;
  /** SET NX EX in the shared store: true for the first instance to take a key. */
  claimOnce: (key: string, ttlSeconds: number) => Promise<boolean>;
  now?: () => number;
}

/**
 * The WhatsApp channel over Meta's Cloud API. Stateless like Telegram's webhook: any instance
 * sharing the store can take any message. A wa_id is used to answer and goes no further: the
 * session key is its keyed hash, and message ids (which encode the number) are stored hashed.
 * Messages of one chat are handled and answered one after another, in the order received.
 */
export class WhatsAppCloudChannel {
  readonly name = CLOUD_CHANNEL;
  private readonly log: Logger;
  private readonly now: () => number;
  /** Keeps each chat's turns in order (no pause: Meta's own limits are handled on errors). */
  private readonly order = new SendPacer({ perChatMs: 0, globalMs: 0 });
  private readonly pending = new Set<Promise<void>>();
  private readonly seen = new Set<string>();
  private readonly startWords: string[];

  constructor(private readonly deps: CloudChannelDeps) {
    this.log = deps.logger.child({ channel: CLOUD_CHANNEL });
    this.now = deps.now ?? Date.now;
    this.startWords = startWordsOf(deps.translator);
  }

  /** Takes a verified webhook body: each message is answered in the background. */
  receive(body: unknown): void {
    const hook = readWebhook(body, this.deps.phoneNumberId, this.deps.translator.codes, this.startWords);
    for (const code of hook.deliveryErrors)
      this.reportError(new GraphApiError(0, code, undefined), 'a message was not delivered');
    for (const m of hook.messages) this.take(m);
  }

  /** Resolves once every message taken so far has been answered. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Waits up to `graceMs` for the turns in flight. */
  async stop(graceMs = 10_000): Promise<void> {
    await Promise.race([this.idle(), sleep(graceMs)]);
  }

  private take(m: CloudIncoming): void {
    if (this.now() / 1000 - m.timestamp > ANSWER_WINDOW_S) return;
    const idRef = chatRef(this.deps.secret, 'wamid', m.id);
    if (this.seen.has(idRef)) return;
    this.seen.add(idRef);
    if (this.seen.size > REMEMBERED_IDS) this.seen.delete(this.seen.values().next().value!);
    const ref = chatRef(this.deps.secret, CLOUD_CHANNEL, m.from);
    const first = this.deps.claimOnce(`${CLOUD_CHANNEL}:${idRef}`, MESSAGE_ID_TTL_S).catch((err: unknown) => {
      // Her message is never dropped for a store failure: the turn itself then sends the help numbers.
      this.log.warn({ err: errorName(err) }, 'could not check the message id with the store; handling it');
      return true;
    });
    const work = this.order
      .run(
        ref,
        async () => {
          if (await first) await this.turn(ref, m.from, m.input);
        },
        0,
      )
      .catch((err: unknown) => this.log.error({ err: errorName(err) }, 'a WhatsApp Cloud API turn failed'));
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async turn(ref: string, to: string, input: Input): Promise<void> {
    const { conversations, translator } = this.deps;
    const outcome = await conversations.handle(ref, input, { channel: CLOUD_CHANNEL });
    const lang = outcome.lang;
    if (outcome.exit) {
      // Nothing can be deleted on her phone through the Cloud API: the session is wiped (done by the
      // core), and one neutral line tells her how to delete the chat herself.
      const text = quickExitText(outcome.messages, translator.t(lang, 'exit.delete_chat'));
      await this.deliver(to, lang, [{ type: 'message', text }], false);
      this.log.info('quick exit: session wiped, told how to delete the chat');
      return;
    }
    await this.deliver(to, lang, outcome.messages, !outcome.failed);
  }

  /**
   * Sends the messages in order. When one cannot be sent even after the retries, the rest are
   * dropped and, if she can still be reached and they were not already the help numbers, the
   * emergency contacts are sent instead.
   */
  private async deliver(
    to: string,
    lang: string | null,
    messages: RenderedMessage[],
    failSafe: boolean,
  ): Promise<void> {
    const listButton = this.deps.translator.t(lang, 'nav.choose');
    for (const m of messages) {
      for (const out of renderForCloud(m, listButton)) {
        try {
          await this.sendOne(to, m, out);
        } catch (err) {
          this.reportError(err, 'a message could not be sent');
          if (
            failSafe &&
            !(err instanceof GraphApiError && err.code !== undefined && UNREACHABLE_CODES.has(err.code))
          ) {
            const { engine, renderer } = this.deps.conversations;
            await this.deliver(to, lang, renderer.render(engine.failSafe(lang), lang), false);
          }
          return;
        }
      }
    }
  }

  /** One message; an interactive one Meta calls malformed goes again as numbered text. */
  private async sendOne(to: string, rendered: RenderedMessage, out: GraphMessage): Promise<void> {
    try {
      await this.deps.graph.send(to, out);
    } catch (err) {
      if (
        out.type !== 'interactive' ||
        !(err instanceof GraphApiError) ||
        !BAD_MESSAGE_CODES.has(err.code ?? 0)
      )
        throw err;
      this.reportError(err, 'an interactive message was refused; sent as text');
      for (const text of renderAsText(rendered)) await this.deps.graph.send(to, text);
    }
  }

  /** Logs a Graph API failure by its codes only: Meta's texts can quote her number. */
  private reportError(err: unknown, what: string): void {
    if (err instanceof GraphApiError) {
      const fields = { graphCode: err.code, ...(err.status ? { status: err.status } : {}) };
      if (err.code === INVALID_TOKEN_CODE) {
        this.log.error(
          fields,
          `${what}: Meta refused WHATSAPP_CLOUD_ACCESS_TOKEN (invalid or expired). Make a new permanent system-user token (README, "WhatsApp Cloud API") and restart`,
        );
      } else if (err.code === PAYMENT_CODE) {
        this.log.error(
          fields,
          `${what}: Meta asks for payment (the free service messages are used up?). Add a payment method in Meta's Billing Hub (README, "What it costs")`,
        );
      } else if (err.code === UNDELIVERABLE_CODE) {
        this.log.warn(
          fields,
          `${what}: the recipient cannot receive it (not on WhatsApp, an old app, or the bot number is blocked)`,
        );
      } else if (err.code === OUTSIDE_WINDOW_CODE) {
        this.log.warn(
          fields,
          `${what}: more than 24 hours after her last message (the bot sends no templates)`,
        );
      } else if (err.rateLimited) {
        this.log.warn(fields, `${what}: Meta's rate limit, still reached after the retries`);
      } else {
        this.log.warn(fields, what);
      }
    } else if (err instanceof GraphNetworkError) {
      this.log.warn({ reason: err.reason }, `${what}: the Graph API could not be reached`);
    } else {
      this.log.warn({ err: errorName(err) }, what);
    }
  }
}
