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

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

/**
 * Log lines for a person at a terminal (development): "warning: <message> (key=value ...)" instead
 * of JSON. Production keeps JSON, for log collectors. Written to stderr like the JSON lines.
 */
export function readableDestination(write: (line: string) => void = (l) => void process.stderr.write(l)): pino.DestinationStream {
  return {
    write(json: string) {
      try {
        const { level, msg, time: _time, ...rest } = JSON.parse(json) as Record<string, unknown>;
        const fields = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        write(`${LEVEL_NAMES[Number(level)] ?? 'log'}: ${String(msg ?? '')}${fields ? ` (${fields})` : ''}\n`);
      } catch {
        write(json);
      }
    },
  };
}

/**
 * The logger of a command run by a person at a terminal or by a service. `chat`: the terminal chat
 * is on screen, so no log line comes between the questions unless LOG_LEVEL asks. At a terminal
 * (not in production) lines are plain text; elsewhere JSON, for log collectors.
 */
export function commandLogger(config: { LOG_LEVEL: string; NODE_ENV: string }, opts: { chat: boolean }): Logger {
  const level = opts.chat && !process.env.LOG_LEVEL ? 'error' : config.LOG_LEVEL;
  const readable = config.NODE_ENV !== 'production' && process.stderr.isTTY === true;
  return createLogger(level, readable ? readableDestination() : undefined);
}
