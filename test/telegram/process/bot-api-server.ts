import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeTelegram } from '../fake-telegram.js';

/**
 * The offline Telegram (FakeTelegram) behind a real HTTP server on 127.0.0.1, answering Bot API
 * requests (`POST /bot<token>/<method>` with a JSON body) for a bot running in another process.
 */
export class BotApiServer {
  readonly fake = new FakeTelegram();
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const method = /^\/bot[^/]+\/([A-Za-z]+)$/.exec(req.url ?? '')?.[1];
        const body = Buffer.concat(chunks).toString('utf8');
        const payload = body ? (JSON.parse(body) as Record<string, unknown>) : {};
        if (!method) {
          res.writeHead(404).end();
          return;
        }
        this.fake
          .transformer(undefined as never, method as never, payload as never)
          .then((answer) => {
            const status = (answer as { ok: boolean; error_code?: number }).ok
              ? 200
              : ((answer as { error_code?: number }).error_code ?? 400);
            res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
          })
          .catch(() => res.writeHead(500).end('{"ok":false,"error_code":500,"description":"fake"}'));
      });
    });
  }

  static async start(): Promise<BotApiServer> {
    const s = new BotApiServer();
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  /** What the preload in the child process redirects https://api.telegram.org to. */
  get root(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
