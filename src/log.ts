import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The structured logger. By construction it is never given chat ids, names, phone numbers or message
 * text: callers log chat references (keyed hashes) at most. The redact list is a second guard.
 * Logs go to stderr so the terminal chat's --json output on stdout stays clean.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['chatId', '*.chatId', 'text', '*.text', 'from', '*.from', 'phone', 'username'], censor: '[removed]' },
    },
    destination,
  );
}
