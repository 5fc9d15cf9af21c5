import { GrammyError, HttpError } from 'grammy';
import { errorName } from '../../src/conversation.js';
import type { Logger } from '../../src/log.js';

/**
 * What may be logged about a failed Telegram call: the method, the error class and Telegram's
 * numeric error code. Never the error's message or payload: grammY puts the chat id and the text
 * into both.
 */
export function describeApiError(err: unknown): { err: string; code?: number } {
  if (err instanceof GrammyError) return { err: 'GrammyError', code: err.error_code };
  if (err instanceof HttpError) return { err: 'HttpError' };
  return { err: errorName(err) };
}

/** True when Telegram refused because the message is already gone or too old (over 48 hours) to delete. */
export function isMessageGone(err: unknown): boolean {
  return (
    err instanceof GrammyError &&
    err.error_code === 400 &&
    /message to delete not found|message can't be deleted|MESSAGE_ID_INVALID/i.test(err.description)
  );
}

/**
 * True when removing a keyboard had nothing to do: already removed, or the message is gone or too
 * old to edit. Not worth a log line.
 */
export function isEditPointless(err: unknown): boolean {
  return (
    err instanceof GrammyError &&
    err.error_code === 400 &&
    /message is not modified|message to edit not found|message can't be edited|MESSAGE_ID_INVALID/i.test(
      err.description,
    )
  );
}

/** No failure is expected: every one is logged. */
const NOTHING_EXPECTED = (): boolean => false;

/**
 * Runs one Telegram call. A failure is logged without identifiers and never thrown: the
 * conversation goes on (the next message may well get through). Returns undefined on failure.
 */
export function tryApiCall<T>(
  logger: Logger,
  method: string,
  call: () => Promise<T>,
  expected: (err: unknown) => boolean = NOTHING_EXPECTED,
): Promise<T | undefined> {
  try {
    return call().then(undefined, (err: unknown) => void logCallFailure(logger, method, err, expected));
  } catch (err) {
    logCallFailure(logger, method, err, expected);
    return Promise.resolve(undefined);
  }
}

/** Logs a failed Telegram call without identifiers, unless `expected` says it is nothing to worry about. */
export function logCallFailure(
  logger: Logger,
  method: string,
  err: unknown,
  expected: (err: unknown) => boolean = NOTHING_EXPECTED,
): void {
  if (!expected(err)) logger.warn({ method, ...describeApiError(err) }, 'telegram call failed');
}
