import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (asked from the OS, then released for a test server to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Polls `probe` every 20 ms until it returns a value, or fails after `ms`. */
export async function until<T>(probe: () => T | undefined, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting for the bot');
    await new Promise((r) => setTimeout(r, 20));
  }
}
