import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../src/log.js';
import { readBody, type WebhookRoute } from '../telegram/webhook-server.js';

/** Meta's limit for a webhook body; anything bigger is not from Meta and is refused unread. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** The header with `sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';
/** What Meta's `hub.challenge` looks like (a number); anything else is not echoed. */
const CHALLENGE = /^[A-Za-z0-9_-]{1,256}$/;

export interface CloudWebhookOptions {
  /** WHATSAPP_CLOUD_WEBHOOK_PATH. */
  path: string;
  /** WHATSAPP_CLOUD_APP_SECRET: signs every POST. */
  appSecret: string;
  /** WHATSAPP_CLOUD_VERIFY_TOKEN: typed into Meta's webhook form. */
  verifyToken: string;
  logger: Logger;
  /** Takes a verified, parsed body; must return at once (the turns run in the background). */
  receive: (body: unknown) => void;
  /** Resolves when what `receive` took is done. */
  idle: () => Promise<void>;
}

/**
 * The Cloud API webhook as a route of the bot's HTTP server.
 * `GET` is Meta's verification handshake: the challenge is echoed only with the right verify token.
 * `POST` is read only when it carries a signature header, and parsed only when the signature is the
 * HMAC-SHA256 of its raw bytes with the app secret (compared in constant time); anything else gets
 * 401. It is answered 200 at once and handled in the background, because Meta re-delivers what it
 * got no quick answer for. Nothing of a request is ever logged.
 */
export function cloudWebhookRoute(o: CloudWebhookOptions): WebhookRoute {
  const tokenDigest = digest(o.verifyToken);
  return {
    path: o.path,
    idle: o.idle,
    async handle(req: IncomingMessage, res: ServerResponse, stopping: boolean): Promise<void> {
      if (req.method === 'GET') {
        const q = new URL(req.url ?? '/', 'http://localhost').searchParams;
        const token = q.get('hub.verify_token') ?? '';
        const challenge = q.get('hub.challenge') ?? '';
        if (
          q.get('hub.mode') === 'subscribe' &&
          timingSafeEqual(digest(token), tokenDigest) &&
          CHALLENGE.test(challenge)
        ) {
          o.logger.info('whatsapp cloud: webhook verified by Meta');
          res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
        } else {
          o.logger.warn('whatsapp cloud: a webhook verification with a wrong verify token was refused');
          res.writeHead(403).end();
        }
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'GET, POST' }).end();
        return;
      }
      const signature = parseSignature(req.headers[SIGNATURE_HEADER]);
      if (!signature) return refuse(res, req, 401, o.logger);
      if (stopping) return refuse(res, req, 503);
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return refuse(res, req, 413);
      const raw = await readBody(req, MAX_BODY_BYTES);
      if (raw === null) {
        res.writeHead(413).end();
        return;
      }
      if (!timingSafeEqual(createHmac('sha256', o.appSecret).update(raw).digest(), signature)) {
        o.logger.warn('whatsapp cloud: a webhook POST with a wrong signature was refused unread');
        res.writeHead(401).end();
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200).end();
      o.receive(body);
    },
  };
}

/** The 32 bytes of a well-formed `sha256=<64 hex>` header, else undefined. */
function parseSignature(header: string | string[] | undefined): Buffer | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  return m ? Buffer.from(m[1]!, 'hex') : undefined;
}

/** Answers without reading the body (it is drained, never looked at). */
function refuse(res: ServerResponse, req: IncomingMessage, status: number, logger?: Logger): void {
  if (logger) logger.warn('whatsapp cloud: a webhook POST without a signature was refused unread');
  res.writeHead(status, status === 413 ? { connection: 'close' } : {}).end();
  req.resume();
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
