import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import type { Transformer } from 'grammy';

/**
 * grammY's auto-retry (Telegram's 429 `retry_after` waited out, 5xx retried with back-off), entered
 * only when an answer asks for it. Nearly every call succeeds the first time, and then nothing of
 * auto-retry runs: its layers cost several promises on each of the three calls a turn makes.
 *
 * When an answer does ask for a retry, auto-retry takes over from that very answer (it is handed
 * to auto-retry as its own first attempt), so it waits as Telegram said and tries again; nothing
 * is sent twice without the wait.
 */
export function floodRetry(options: Partial<AutoRetryOptions>): Transformer {
  const retry = autoRetry(options);
  return ((prev, method, payload, signal) =>
    prev(method, payload, signal).then((answer) => {
      if (answer.ok || !asksForRetry(answer)) return answer;
      let first: typeof answer | undefined = answer;
      const fromHere: typeof prev = (m, p, s) => {
        if (first === undefined) return prev(m, p, s);
        const given = first;
        first = undefined;
        return Promise.resolve(given) as never;
      };
      return retry(fromHere, method, payload, signal);
    })) as Transformer;
}

/** A flood wait, or an error on Telegram's side (5xx): what auto-retry retries. */
function asksForRetry(answer: { parameters?: { retry_after?: number }; error_code?: number }): boolean {
  return typeof answer.parameters?.retry_after === 'number' || (answer.error_code ?? 0) >= 500;
}
