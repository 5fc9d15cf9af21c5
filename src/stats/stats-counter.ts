import type { TurnEvent } from '../engine.js';

/**
 * The anonymous counters: one set of named counts per ISO week, and nothing else. No chat
 * reference, no time finer than the week, no per-person record. Field names:
 *
 * - `c|<lang>|<campaign>|<channel>|<level>`: completed assessments
 * - `i|<lang>|<indicator>`: completed assessments showing that strong sign
 * - `s|<lang>`: assessments started (a restart counts again)
 * - `x|<lang>`: quick exits
 * - `q|<lang>|<step>`: sessions that reached that question (first time shown in the session)
 *
 * `<lang>` is "-" when no language was chosen yet, `<campaign>` is "-" when there is none or it is
 * not a valid code. Implementations: MemoryStatsCounter (embedded default) and RedisStatsCounter.
 */
export interface StatsCounter {
  /**
   * Adds one event to the counts of the ISO week of `now`. Nothing to wait for when the count is
   * only added up in memory (once per turn, so no promise is made then); a promise when it is
   * written at once.
   */
  recordEvent(event: TurnEvent, channel: string, now?: number): Promise<void> | void;
  /** The counts of each of `weeks` (an empty object for a week with none or one that expired). */
  readWeeks(weeks: readonly string[]): Promise<WeekCounts[]>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** The raw counts of one ISO week, by field name (see StatsCounter). Never printed as they are. */
export interface WeekCounts {
  week: string;
  counts: Record<string, number>;
}

/** Counters are kept about two years after the last write to their week, then dropped. */
export const STATS_TTL_SECONDS = 2 * 366 * 86_400;

/** What a campaign code, a language, channel or indicator id may look like inside a field name. */
const TOKEN = /^[A-Za-z0-9_-]{1,32}$/;

/** Stands for "no campaign", "no language yet" or a value that is not a valid token. */
export const NONE = '-';

/** A valid campaign code (A-Z a-z 0-9 _ -, at most 32), else "-". */
export function campaignToken(campaign: string | undefined): string {
  return campaign !== undefined && TOKEN.test(campaign) ? campaign : NONE;
}

// Languages, channels and indicators come from our own code and flows; checked anyway so that
// nothing else can ever end up in a field name (and "|" never appears inside a part).
const token = (value: string | null | undefined): string => (value && TOKEN.test(value) ? value : NONE);

/** The counter fields one event increments; empty for events that are not counted. */
export function counterFields(event: TurnEvent, channel: string): string[] {
  const lang = token(event.lang);
  switch (event.type) {
    case 'started':
      return [`s|${lang}`];
    case 'exited':
      return [`x|${lang}`];
    case 'reached':
      return [`q|${lang}|${token(event.step)}`];
    case 'completed':
      return [
        `c|${lang}|${campaignToken(event.campaign)}|${token(channel)}|${token(event.level)}`,
        ...[...new Set(event.indicators)].map((id) => `i|${lang}|${token(id)}`),
      ];
  }
}

/** The stats store could not be reached; counting is skipped, the conversation goes on. */
export class StatsUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StatsUnavailableError';
  }
}
