import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';
import { ConfigError } from '../../src/config.js';
import { errorName } from '../../src/conversation.js';
import type { Logger } from '../../src/log.js';

/** The header Telegram sends with the `secret_token` given to `setWebhook`. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram's updates are a few kilobytes; anything much bigger is not from Telegram. */
const MAX_BODY_BYTES = 1_000_000;
/** How many recent update ids are remembered to drop Telegram's re-deliveries. */
const REMEMBERED_UPDATE_IDS = 10_000;
/** Longest wait for a tap's answer to go back in the HTTP response; after that it is answered empty. */
export const WEBHOOK_REPLY_WAIT_MS = 1000;

/**
 * One Bot API call carried back in the webhook's HTTP response (grammY's `WebhookReplyEnvelope`):
 * Telegram carries it out, and the bot makes one HTTPS request fewer. `send` rejects with
 * WebhookReplyTooLate when the response has gone already; the caller then makes the call itself.
 */
export interface WebhookReply {
  send(json: string): Promise<void>;
}

/** The webhook's response was already sent (the turn took longer than WEBHOOK_REPLY_WAIT_MS). */
export class WebhookReplyTooLate extends Error {
  constructor() {
    super('the webhook response has already been sent');
    this.name = 'WebhookReplyTooLate';
  }
}

/** Another webhook the same server answers (the WhatsApp Cloud API's), so one port serves both. */
export interface WebhookRoute {
  path: string;
  /** Answers one request to `path`; `stopping` is true once the server shuts down (answer 503). */
  handle(req: IncomingMessage, res: ServerResponse, stopping: boolean): Promise<void>;
  /** Resolves when the work it took is done; a graceful stop waits for it. */
  idle(): Promise<void>;
}

export interface WebhookServerOptions {
  /** The path Telegram posts to (the path of TELEGRAM_WEBHOOK_URL); unset: no Telegram webhook here. */
  path?: string;
  /** TELEGRAM_WEBHOOK_SECRET: a request without it never reaches the bot. */
  secretToken?: string;
  /** Processes one update (the bot's `handleUpdate`); a tap gets `reply` to answer it in the response. */
  handleUpdate?: (update: Update, reply?: WebhookReply) => Promise<void>;
  /** Other webhooks on the same server. */
  routes?: readonly WebhookRoute[];
  logger: Logger;
  /**
   * True when this instance is the first, of all instances sharing the store, to take this update
   * id (a short-lived key, set only if absent). When the store cannot answer, the update is handled:
   * her message is never dropped for a store failure (the turn itself then sends the help numbers).
   */
  claim?: (updateId: number) => Promise<boolean>;
}

/**
 * The small HTTP server for webhook mode: `POST <path>` for Telegram and `GET /health`.
 *
 * A request without the right `X-Telegram-Bot-Api-Secret-Token` gets 401 and is not even read.
 * A good one is answered 200 as soon as its body is read, and the update is processed in the
 * background. Telegram re-sends an update it got no answer for in time, so answering first means a
 * slow turn (a Redis hiccup, a rate limit) never causes a second delivery; should one come anyway
 * (a lost answer), the update id is still in flight or recently seen and is dropped. The price: an
 * update whose processing is cut short by a crash is lost, and she taps again.
 * Updates of one chat are kept in order by the bot's per-chat sequencing.
 *
 * A tap (callback query) is answered in the response itself (`answerCallbackQuery` as the body, as
 * the Bot API allows): one HTTPS request fewer per tap. Its turn starts at once, so the response
 * goes as soon as the tap is acknowledged, at most WEBHOOK_REPLY_WAIT_MS later (empty then).
 */
export class WebhookServer {
  private readonly server: Server;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly seen = new Set<number>();
  private readonly secretDigest: Buffer;
  private stopping = false;

  constructor(private readonly o: WebhookServerOptions) {
    this.secretDigest = digest(o.secretToken ?? '');
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err) => {
        this.o.logger.error({ err: errorName(err) }, 'webhook request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  /** Starts listening; resolves with the port (useful with port 0 in tests). */
  listen(port: number, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Resolves when every update taken so far has been processed. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
    await Promise.allSettled((this.o.routes ?? []).map((r) => r.idle()));
  }

  /**
   * Graceful stop: refuse new updates (503, so Telegram delivers them again later, perhaps to
   * another instance), stop listening, and wait up to `graceMs` for the updates in flight.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const finished = await waitAtMost(this.idle(), graceMs);
    if (!finished)
      this.o.logger.warn({ updates: this.inFlight.size }, 'stopped with updates still in flight');
    this.server.closeAllConnections();
    await closed;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      res
        .writeHead(this.stopping ? 503 : 200, { 'content-type': 'text/plain' })
        .end(this.stopping ? 'stopping' : 'ok');
      return;
    }
    const route = this.o.routes?.find((r) => r.path === path);
    if (route) {
      await route.handle(req, res, this.stopping);
      return;
    }
    if (path !== this.o.path || !this.o.secretToken) {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    if (!this.secretMatches(req.headers[SECRET_HEADER])) {
      this.o.logger.warn('webhook request with a missing or wrong secret: refused');
      res.writeHead(401).end();
      req.resume();
      return;
    }
    if (this.stopping) {
      res.writeHead(503).end();
      req.resume();
      return;
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) {
      res.writeHead(413).end();
      return;
    }
    const update = parseUpdate(body.toString('utf8'));
    if (!update) {
      res.writeHead(400).end();
      return;
    }
    if (!update.callback_query) {
      res.writeHead(200).end();
      this.take(update);
      return;
    }
    // A tap: the answer to it goes back in this response when it comes in time.
    let answered = false;
    const answer = (body?: string): boolean => {
      if (answered) return false;
      answered = true;
      clearTimeout(timer);
      if (body === undefined) res.writeHead(200).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return true;
    };
    const timer = setTimeout(() => answer(), WEBHOOK_REPLY_WAIT_MS);
    const reply: WebhookReply = {
      send: async (json) => {
        if (!answer(json)) throw new WebhookReplyTooLate();
      },
    };
    await this.take(update, reply);
    answer();
  }

  private take(update: Update, reply?: WebhookReply): Promise<void> {
    const id = update.update_id;
    if (this.inFlight.has(id) || this.seen.has(id)) return Promise.resolve();
    this.seen.add(id);
    if (this.seen.size > REMEMBERED_UPDATE_IDS) this.seen.delete(this.seen.values().next().value!);
    const claim = this.o.claim;
    const first = claim
      ? claim(id).catch((err) => {
          this.o.logger.warn({ err: errorName(err) }, 'could not check the update id with the store; handling it');
          return true;
        })
      : Promise.resolve(true);
    const task = first
      .then((mine) => (mine ? this.o.handleUpdate?.(update, reply) : undefined))
      .catch((err) => this.o.logger.error({ err: errorName(err) }, 'telegram update failed'))
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, task);
    return task;
  }

  private secretMatches(header: string | string[] | undefined): boolean {
    if (typeof header !== 'string') return false;
    // Digests have equal length, so the comparison takes the same time whatever was sent.
    return timingSafeEqual(digest(header), this.secretDigest);
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** The raw body, or null (the rest drained unread) when it is longer than `max` bytes. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseUpdate(body: string): Update | null {
  try {
    const value = JSON.parse(body) as unknown;
    if (
      value &&
      typeof value === 'object' &&
      Number.isSafeInteger((value as { update_id?: unknown }).update_id)
    ) {
      return value as Update;
    }
  } catch {
    // not JSON: not from Telegram
  }
  return null;
}

/**
 * Starts `server` on PORT and HOST; a port in use, a privileged port or an address not of this
 * machine stops the start with a sentence that says what to change.
 */
export async function listenOrExplain(server: WebhookServer, port: number, host: string): Promise<number> {
  try {
    return await server.listen(port, host);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      throw new ConfigError(`PORT ${port} on ${host} is already in use (another program, or another copy of the bot): choose another PORT, or stop the other program.`);
    }
    if (code === 'EACCES') {
      throw new ConfigError(`PORT ${port} on ${host} needs more rights than the bot has: use a port above 1023 behind the reverse proxy.`);
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new ConfigError(`HOST ${host} is not an address of this machine: use 127.0.0.1 (behind a reverse proxy here) or 0.0.0.0 (in a container).`);
    }
    throw err;
  }
}

/** Resolves true when `p` settles within `ms`, false otherwise. */
export async function waitAtMost(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
