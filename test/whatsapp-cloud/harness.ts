import { afterEach } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { createCore, type Core } from '../../src/app.js';
import { createLogger, type Logger } from '../../src/log.js';
import { MemorySessionStore } from '../../src/store/memory-store.js';
import type { SessionStore } from '../../src/store/session-store.js';
import {
  createWhatsAppCloud,
  type RunningWhatsAppCloud,
  type WhatsAppCloud,
} from '../../bots/whatsapp-cloud/start-whatsapp-cloud.js';
import { SIGNATURE_HEADER } from '../../bots/whatsapp-cloud/webhook-route.js';
import { shippedBundleWithEnglishFallback } from '../helpers/bundle.js';
import { FakeGraph, optionsOf, textOf, type SentMessage } from './fake-graph.js';

export const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const VERIFY_TOKEN = 'verify_token_0123456789abcdef';
export const PHONE_NUMBER_ID = '109876543210987';
export const ACCESS_TOKEN = 'EAAFakeTokenForOfflineTestsOnly0123456789';
export const TEST_SECRET = 'cloud-test-secret-0123456789abcdef';
export const PATH = '/whatsapp';

/** A new sender: a Hong Kong mobile number as Meta gives it (wa_id, digits only). */
export function newWaId(): string {
  return `8529${String(1_000_000 + Math.floor(Math.random() * 8_999_999))}`;
}

/** A message id like Meta's: base64 that holds the sender's number (so it must never be stored as it is). */
export function messageId(from: string): string {
  return `wamid.${Buffer.from(`\u0018\u000b${from}\u0015\u0002\u0000\u0012\u0018\u0014${randomBytes(10).toString('hex')}`).toString('base64')}`;
}

/** The webhook body Meta posts for one incoming message. */
export function webhookBody(
  from: string,
  message: Record<string, unknown>,
  opts: { name?: string; id?: string } = {},
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '85230001234', phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name: opts.name ?? 'Siti Rahayu' }, wa_id: from }],
              messages: [
                {
                  from,
                  id: opts.id ?? messageId(from),
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  ...message,
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** `sha256=<hex>` of the raw body, as Meta signs it. */
export function sign(raw: string, secret: string = APP_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/** The Cloud API channel on its own HTTP server on 127.0.0.1, talking to a fake Graph API. */
export class CloudHarness {
  readonly logLines: string[] = [];
  readonly logger: Logger;
  readonly core: Core;
  cloud!: WhatsAppCloud;
  running!: RunningWhatsAppCloud;
  port = 0;

  private constructor(
    readonly graph: FakeGraph,
    opts: { locales?: readonly string[]; store?: SessionStore },
  ) {
    this.logger = createLogger('trace', { write: (line: string) => void this.logLines.push(line) });
    this.core = createCore({
      bundle: shippedBundleWithEnglishFallback(opts.locales ?? ['en']),
      config: { SESSION_TTL_HOURS: 24, RESUME_PROMPT_MINUTES: 30 },
      logger: this.logger,
      store: opts.store ?? new MemorySessionStore(),
    });
  }

  /**
   * Starts an instance. `graph`: share one fake Graph API between instances; `ownServer: false`
   * builds the channel without a server (the caller mounts `cloud.route`).
   */
  static async start(
    opts: {
      locales?: readonly string[];
      store?: SessionStore;
      graph?: FakeGraph;
      accessToken?: string;
      ownServer?: boolean;
    } = {},
  ): Promise<CloudHarness> {
    const graph = opts.graph ?? (await new FakeGraph(PHONE_NUMBER_ID, ACCESS_TOKEN).start());
    const h = new CloudHarness(graph, opts);
    h.cloud = createWhatsAppCloud({
      config: {
        SESSION_SECRET: TEST_SECRET,
        WHATSAPP_CLOUD_WEBHOOK_PATH: PATH,
        PORT: 0,
        WHATSAPP_CLOUD_ACCESS_TOKEN: opts.accessToken ?? ACCESS_TOKEN,
        WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
        WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_CLOUD_GRAPH_ROOT: graph.root,
      },
      core: h.core,
      logger: h.logger,
      retryDelaysMs: [5, 10],
    });
    if (opts.ownServer !== false) {
      h.running = await h.cloud.start({ ownServer: true, host: '127.0.0.1', stopGraceMs: 2000 });
      h.port = h.running.port!;
    }
    return h;
  }

  /** Posts a body to the webhook; signed with the app secret unless `signature` says otherwise (null: no header). */
  post(body: unknown, signature?: string | null, port: number = this.port): Promise<Response> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const sig = signature === undefined ? sign(raw) : signature;
    return fetch(`http://127.0.0.1:${port}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(sig === null ? {} : { [SIGNATURE_HEADER]: sig }) },
      body: raw,
    });
  }

  /** Meta delivers one message of hers; resolves when the bot has answered it. */
  async deliver(
    from: string,
    message: Record<string, unknown>,
    opts: { name?: string; id?: string } = {},
  ): Promise<Response> {
    const res = await this.post(webhookBody(from, message, opts));
    await this.cloud.channel.idle();
    return res;
  }

  /** She types `text`; returns the visible texts of the replies. */
  async say(from: string, text: string): Promise<string[]> {
    const before = this.graph.to(from).length;
    await this.deliver(from, { type: 'text', text: { body: text } });
    return this.graph.to(from).slice(before).map(textOf);
  }

  /** She taps the reply button or list row whose id ends with `|<choiceId>` on the newest question. */
  async tap(from: string, choiceId: string): Promise<string[]> {
    const q = this.lastQuestion(from);
    if (!q) throw new Error('no interactive question on screen');
    const option = optionsOf(q).find((o) => o.id.endsWith(`|${choiceId}`));
    if (!option) throw new Error(`no option ${choiceId} in ${JSON.stringify(optionsOf(q))}`);
    const kind = q.interactive!.type === 'button' ? 'button_reply' : 'list_reply';
    const before = this.graph.to(from).length;
    await this.deliver(from, {
      type: 'interactive',
      interactive: { type: kind, [kind]: { id: option.id, title: option.title } },
    });
    return this.graph.to(from).slice(before).map(textOf);
  }

  /** The newest interactive message sent to `from`. */
  lastQuestion(from: string): SentMessage | undefined {
    return this.graph.to(from).findLast((m) => m.type === 'interactive');
  }

  t(lang: string, key: string, vars?: Record<string, string | number>): string {
    return this.core.translator.t(lang, key, vars);
  }

  async close(): Promise<void> {
    await this.running?.stop();
  }
}

/**
 * For a test file: a function that starts harnesses (with `defaults`), each closed after its test
 * together with its fake Graph API (once, when instances share one).
 */
export function cloudHarnesses(
  defaults: Parameters<typeof CloudHarness.start>[0] = {},
): (opts?: Parameters<typeof CloudHarness.start>[0]) => Promise<CloudHarness> {
  const started: CloudHarness[] = [];
  afterEach(async () => {
    const graphs = new Set(started.map((h) => h.graph));
    await Promise.all(started.splice(0).map((h) => h.close()));
    await Promise.all([...graphs].map((g) => g.close()));
  });
  return async (opts = {}) => {
    const h = await CloudHarness.start({ ...defaults, ...opts });
    started.push(h);
    return h;
  };
}
