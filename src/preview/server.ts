import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { ReloadReporter, watchFlowFiles, type Watching } from '../reload.js';
import { COMMANDS } from '../system-keys.js';
import { PreviewRequestError, PreviewSessions } from './preview-sessions.js';

/** The preview listens here unless PREVIEW_PORT says otherwise. */
export const DEFAULT_PREVIEW_PORT = 8090;

const MAX_BODY_BYTES = 16 * 1024;

// The page is plain HTML, CSS and JavaScript, read once at start: no build step.
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

// === Requests

const sessionId = z.string().uuid();
const lang = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/);
const startRequest = z.strictObject({ flow: z.string().min(1).max(64), lang: lang.nullable() });
const inputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('choice'), id: z.string().min(1).max(64), step: z.string().max(200).optional() }),
  z.strictObject({ kind: z.literal('text'), text: z.string().max(4096) }),
  z.strictObject({ kind: z.literal('command'), command: z.enum(COMMANDS) }),
]);
const turnRequest = z.strictObject({ sessionId, input: inputSchema });
const languageRequest = z.strictObject({ sessionId, lang });

export interface PreviewServerOptions {
  /** The project folder with flows/ and locales/. */
  root: string;
  /** 0 picks a free port (tests). */
  port: number;
  config: Pick<Config, 'SESSION_TTL_HOURS' | 'RESUME_PROMPT_MINUTES'>;
  logger: Logger;
  /** Reload when a flow or locale file changes (on by default). */
  watch?: boolean;
  /** Where reload news goes (stderr by default). */
  print?: (line: string) => void;
}

/** A running preview. */
export interface PreviewServer {
  url: string;
  sessions: PreviewSessions;
  close(): Promise<void>;
}

/**
 * Serves the conversation preview on 127.0.0.1 only: a page where a maintainer chats with the real
 * engine (in-memory store) and sees the step, the signs and the result beside the chat.
 *
 * API (JSON):
 * - GET  /api/meta                                 flows, languages, problems, reload generation
 * - POST /api/start    { flow, lang | null }       a new conversation: { sessionId, messages, state }
 * - POST /api/turn     { sessionId, input }        input: { kind: "choice", id, step? } | { kind: "text", text } | { kind: "command", command }
 * - POST /api/language { sessionId, lang }         the same step in another language
 */
export async function startPreviewServer(opts: PreviewServerOptions): Promise<PreviewServer> {
  const sessions = new PreviewSessions({ root: opts.root, config: opts.config, logger: opts.logger });
  const staticDir = new URL('./static/', import.meta.url);
  const files = new Map(Object.entries(STATIC).map(([path, f]) => [path, { body: readFileSync(new URL(f.file, staticDir)), type: f.type }]));
  const print = opts.print ?? ((line: string) => process.stderr.write(`${line}\n`));

  let port = opts.port;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof PreviewRequestError) return sendJson(res, err.status, { error: err.message });
      opts.logger.error({ err: err instanceof Error ? err.name : typeof err }, 'preview request failed');
      sendJson(res, 500, { error: 'the preview failed; see the terminal' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Only pages opened as localhost/127.0.0.1 may talk to it (no DNS-rebinding tricks from other sites).
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return sendJson(res, 403, { error: 'open the preview at 127.0.0.1' });
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;

    if (req.method === 'GET') {
      const file = files.get(path);
      if (file) return send(res, 200, file.type, file.body);
      if (path === '/api/meta') return sendJson(res, 200, sessions.meta());
      return sendJson(res, 404, { error: 'not found' });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use GET or POST' });
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, { error: 'send JSON (Content-Type: application/json)' });
    }
    const body = await readJson(req);
    switch (path) {
      case '/api/start': {
        const r = parse(startRequest, body);
        return sendJson(res, 200, await sessions.start(r.flow, r.lang));
      }
      case '/api/turn': {
        const r = parse(turnRequest, body);
        return sendJson(res, 200, await sessions.turn(r.sessionId, r.input));
      }
      case '/api/language': {
        const r = parse(languageRequest, body);
        return sendJson(res, 200, await sessions.switchLanguage(r.sessionId, r.lang));
      }
      default:
        return sendJson(res, 404, { error: 'not found' });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  let watching: Watching | undefined;
  if (opts.watch ?? true) {
    // The same lines as npm run chat prints: what happened, the errors, and warnings the save brought.
    const reporter = new ReloadReporter(sessions.atStart.ok ? sessions.atStart.warnings : []);
    watching = watchFlowFiles(opts.root, () => {
      for (const line of reporter.describe(sessions.reload())) print(line);
    });
  }

  return {
    url: `http://127.0.0.1:${port}/`,
    sessions,
    async close() {
      watching?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await sessions.close();
    },
  };
}

// === Plumbing

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new PreviewRequestError(`bad request: ${r.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
  return r.data;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new PreviewRequestError('request too large', 413);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new PreviewRequestError('the request is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(value)));
}

function send(res: ServerResponse, status: number, type: string, body: Buffer): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
    'Referrer-Policy': 'no-referrer',
  });
  res.end(body);
}
