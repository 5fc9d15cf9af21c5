import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import { HttpError, type Transformer } from 'grammy';
import type { Logger } from '../../src/log.js';

/** Two more attempts, after 1 and 3 seconds: a dropped connection on shared Wi-Fi, not an outage. */
export const NETWORK_RETRY_DELAYS_MS: readonly number[] = [1000, 3000];

export interface ApiRetryOptions {
  /** The wait before each further attempt after a network failure, in ms; its length is the number of retries. */
  delaysMs: readonly number[];
  logger: Logger;
  /** grammY's auto-retry, for flood waits and Telegram's own errors. */
  flood: Partial<AutoRetryOptions>;
}

type Prev = Parameters<Transformer>[0];
type Method = Parameters<Transformer>[1];
type Signal = Parameters<Transformer>[3];
type Answer = Awaited<ReturnType<Prev>>;

/**
 * Both retries of a Bot API call, as one transformer: grammY installs every transformer again for
 * each update, and each layer costs a promise on every call. A call that succeeds the first time
 * (nearly all) goes through one step.
 *
 * - **A network failure** (`HttpError`: no connection, a reset, a timeout) is tried again a bounded
 *   number of times (`delaysMs`). grammY's auto-retry would retry these for ever, with waits
 *   growing to an hour: her chat would be stuck behind one call (and her exit with it), and a
 *   message could reach her phone hours later. After the last attempt the error goes to the
 *   caller, which logs it without identifiers and goes on. `getUpdates` is only logged: the
 *   long-polling runner has its own retry for it.
 * - **Telegram asking for a retry** (a 429 with `retry_after`, a 5xx) is handed to grammY's
 *   auto-retry from that very answer (as its own first attempt), so it waits as Telegram said and
 *   tries again; its further attempts get the network retry too. Nothing is sent twice without
 *   the wait.
 */
export function apiRetries(o: ApiRetryOptions): Transformer {
  const flood = autoRetry({ ...o.flood, rethrowHttpErrors: true });

  /** A network failure of attempt `n`: the wait before the next attempt, or the error thrown on. */
  const afterNetworkFailure = (err: unknown, method: Method, signal: Signal, n: number): Promise<void> => {
    if (!(err instanceof HttpError) || signal?.aborted) return Promise.reject(err);
    const delay = method === 'getUpdates' ? undefined : o.delaysMs[n];
    o.logger.warn(
      { method, err: 'HttpError', attempt: n + 1 },
      delay === undefined ? 'telegram call failed on the network' : 'telegram call failed on the network; trying again',
    );
    if (delay === undefined) return Promise.reject(err);
    // grammY types the signal with its abort-controller shim; on Node 20 it is the built-in one.
    return pause(delay, signal as unknown as AbortSignal | undefined);
  };

  /** One attempt with the network retry only: what auto-retry calls for each of its attempts. */
  const networkOnly = (prev: Prev, method: Method, payload: unknown, signal: Signal, n: number): Promise<Answer> =>
    prev(method, payload as never, signal).catch((err: unknown) =>
      afterNetworkFailure(err, method, signal, n).then(() => networkOnly(prev, method, payload, signal, n + 1)),
    );

  /** One attempt with both retries. */
  const call = (prev: Prev, method: Method, payload: unknown, signal: Signal, n: number): Promise<Answer> =>
    prev(method, payload as never, signal).then(
      (answer) => {
        if (answer.ok || !asksForRetry(answer)) return answer;
        let first: Answer | undefined = answer;
        const fromHere: Prev = (m, p, s) => {
          if (first === undefined) return networkOnly(prev, m, p, s, 0) as never;
          const given = first;
          first = undefined;
          return Promise.resolve(given) as never;
        };
        return flood(fromHere, method, payload as never, signal) as Promise<Answer>;
      },
      (err: unknown) => afterNetworkFailure(err, method, signal, n).then(() => call(prev, method, payload, signal, n + 1)),
    );

  return ((prev, method, payload, signal) => call(prev, method, payload, signal, 0)) as Transformer;
}

/** A flood wait, or an error on Telegram's side (5xx): what auto-retry retries. */
function asksForRetry(answer: { parameters?: { retry_after?: number }; error_code?: number }): boolean {
  return typeof answer.parameters?.retry_after === 'number' || (answer.error_code ?? 0) >= 500;
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
