import { HttpError, type Transformer } from 'grammy';
import type { Logger } from '../../src/log.js';

/** How often, and after how long, a Bot API call that failed on the network is tried again. */
export interface NetworkRetryOptions {
  /** The wait before each further attempt, in milliseconds; its length is the number of retries. */
  delaysMs: readonly number[];
  logger: Logger;
}

/** Two more attempts, after 1 and 3 seconds: a dropped connection on shared Wi-Fi, not an outage. */
export const NETWORK_RETRY_DELAYS_MS: readonly number[] = [1000, 3000];

/**
 * Retries a Bot API call that failed on the network (`HttpError`: no connection, a reset, a
 * timeout) a bounded number of times. grammY's auto-retry would retry these for ever, with waits
 * growing to an hour: her chat would be stuck behind one call (and her exit with it), and a
 * message could reach her phone hours later. After the last attempt the error goes to the caller,
 * which logs it without identifiers and goes on.
 *
 * `getUpdates` is only logged: the long-polling runner has its own retry for it.
 */
export function networkRetry(o: NetworkRetryOptions): Transformer {
  // The call itself adds no step of its own: only a failure goes through the retry below.
  const attempt = (
    prev: Parameters<Transformer>[0],
    method: Parameters<Transformer>[1],
    payload: unknown,
    signal: Parameters<Transformer>[3],
    n: number,
  ): ReturnType<Transformer> =>
    prev(method, payload as never, signal).catch(async (err: unknown) => {
      if (!(err instanceof HttpError) || signal?.aborted) throw err;
      const delay = method === 'getUpdates' ? undefined : o.delaysMs[n];
      o.logger.warn(
        { method, err: 'HttpError', attempt: n + 1 },
        delay === undefined
          ? 'telegram call failed on the network'
          : 'telegram call failed on the network; trying again',
      );
      if (delay === undefined) throw err;
      // grammY types the signal with its abort-controller shim; on Node 20 it is the built-in one.
      await pause(delay, signal as unknown as AbortSignal | undefined);
      return attempt(prev, method, payload, signal, n + 1);
    });
  return ((prev, method, payload, signal) => attempt(prev, method, payload, signal, 0)) as Transformer;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted while waiting to retry'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
