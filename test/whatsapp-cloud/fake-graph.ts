import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GRAPH_API_VERSION } from '../../bots/whatsapp-cloud/graph-api.js';

/** One message the bot sent through the fake Graph API. */
export interface SentMessage {
  to: string;
  type: string;
  text?: { body: string };
  interactive?: {
    type: 'button' | 'list';
    body: { text: string };
    action: {
      buttons?: { type: 'reply'; reply: { id: string; title: string } }[];
      button?: string;
      sections?: { rows: { id: string; title: string; description?: string }[] }[];
    };
  };
}

/** A failure the fake answers with instead of accepting a message. */
export interface GraphFailure {
  status: number;
  code: number;
  /** Meta's texts quote the number sometimes: the bot must never log them. */
  message?: string;
}

/**
 * Meta's Graph API messages endpoint on 127.0.0.1: checks the token and the path, records every
 * message, and answers with queued failures first (a rate limit, an invalid token ...).
 */
export class FakeGraph {
  readonly sent: SentMessage[] = [];
  /** Every call, also the refused ones. */
  calls = 0;
  private readonly failures: GraphFailure[] = [];
  private server: Server | undefined;
  root = '';

  constructor(
    readonly phoneNumberId: string,
    readonly token: string,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.calls += 1;
        const answer = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.method !== 'POST' || req.url !== `/${GRAPH_API_VERSION}/${this.phoneNumberId}/messages`) {
          return answer(404, { error: { code: 803, message: 'unknown path' } });
        }
        if (req.headers.authorization !== `Bearer ${this.token}`) {
          return answer(401, { error: { code: 190, message: 'Invalid OAuth access token' } });
        }
        const failure = this.failures.shift();
        if (failure)
          return answer(failure.status, {
            error: { code: failure.code, message: failure.message ?? 'error' },
          });
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SentMessage & {
          messaging_product: string;
        };
        if (body.messaging_product !== 'whatsapp') return answer(400, { error: { code: 100 } });
        this.sent.push(body);
        answer(200, { messaging_product: 'whatsapp', messages: [{ id: `wamid.out${this.sent.length}` }] });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.root = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next `times` calls fail like this. */
  fail(failure: GraphFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(failure);
  }

  /** What was sent to `to`. */
  to(to: string): SentMessage[] {
    return this.sent.filter((m) => m.to === to);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The visible text of a sent message (the text, or the body of an interactive one). */
export function textOf(m: SentMessage): string {
  return m.text?.body ?? m.interactive?.body.text ?? '';
}

/** The reply ids and titles a sent interactive message offers. */
export function optionsOf(m: SentMessage): { id: string; title: string; description?: string }[] {
  const a = m.interactive?.action;
  if (!a) return [];
  return a.buttons ? a.buttons.map((b) => b.reply) : (a.sections ?? []).flatMap((s) => s.rows);
}
