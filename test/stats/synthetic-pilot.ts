import type { Bundle } from '../../src/bundle.js';
import type { TurnEvent } from '../../src/engine.js';
import type { StatsCounter } from '../../src/stats/stats-counter.js';
import type { Level } from '../../src/system-keys.js';
import { harmlessAnswers } from '../helpers/bundle.js';

/**
 * A known synthetic pilot: `completions` finished assessments over 8 ISO weeks (more each week),
 * in 4 languages and 3 campaigns (and some with none), on two channels, plus a quarter as many
 * who stopped at some question (some with a quick exit). Every session is kept, so a test can
 * count the truth itself, without the report's code.
 */
export interface PilotSession {
  week: number;
  /** The language known at the start (a leaflet link), else null (chosen in the chat). */
  startLang: string | null;
  lang: string;
  campaign?: string;
  channel: string;
  /** The questions she reached, in order. */
  reached: string[];
  completed?: { level: Level; indicators: string[] };
  exited: boolean;
}

export const PILOT_LANGUAGES = ['id', 'tl', 'en', 'ne'] as const;
export const PILOT_CAMPAIGNS = ['mfmw2026', 'central-sun', 'church-wk'] as const;
export const PILOT_WEEKS = 8;

/** Results and the strong signs they come with. */
const OUTCOMES: { level: Level; indicators: string[]; weight: number }[] = [
  { level: 'no_signs', indicators: [], weight: 50 },
  { level: 'rights_violations', indicators: ['rest_day_denied'], weight: 25 },
  { level: 'rights_violations', indicators: ['rest_day_denied', 'wage_below_minimum'], weight: 10 },
  { level: 'forced_labour_signs', indicators: ['retention_of_documents', 'cannot_leave'], weight: 12 },
  { level: 'urgent', indicators: ['physical_sexual_violence'], weight: 3 },
];

/** The questions of the harmless path through the flow, in order (every completed assessment reaches them). */
export function mainPath(bundle: Bundle): string[] {
  const flow = bundle.flows.get(bundle.defaultFlowId)!;
  const answers = harmlessAnswers(bundle);
  const path: string[] = [];
  let id: string | undefined = flow.start;
  for (let guard = 0; id && guard < 200; guard++) {
    const step = flow.steps.get(id);
    if (!step || step.type === 'result') break;
    if (step.type === 'question') {
      path.push(step.id);
      id = step.choices.find((c) => c.id === answers[step.id])!.next;
    } else id = step.next;
  }
  return path;
}

/** The sessions of a pilot with `completions` completed assessments (deterministic). */
export function syntheticPilot(bundle: Bundle, completions: number): PilotSession[] {
  let seed = completions >>> 0;
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(items: readonly T[], weights: readonly number[]): T => {
    let r = random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < items.length; i++) if ((r -= weights[i]!) < 0) return items[i]!;
    return items.at(-1)!;
  };
  const path = mainPath(bundle);
  const weeks = Array.from({ length: PILOT_WEEKS }, (_, w) => w);
  const sessions: PilotSession[] = [];
  const stopped = Math.round(completions / 4);
  for (let i = 0; i < completions + stopped; i++) {
    const lang = pick(PILOT_LANGUAGES, [40, 30, 20, 10]);
    const done = i < completions;
    const outcome = pick(
      OUTCOMES,
      OUTCOMES.map((o) => o.weight),
    );
    const stopAt = done ? path.length : 1 + Math.floor(random() * (path.length - 1));
    const campaign = pick([...PILOT_CAMPAIGNS, undefined], [45, 30, 15, 10]);
    sessions.push({
      week: pick(
        weeks,
        weeks.map((w) => w + 2),
      ),
      startLang: campaign !== undefined && random() < 0.8 ? lang : null,
      lang,
      ...(campaign ? { campaign } : {}),
      channel: pick(['telegram', 'whatsapp'], [60, 40]),
      reached: path.slice(0, stopAt),
      ...(done ? { completed: { level: outcome.level, indicators: outcome.indicators } } : {}),
      exited: !done && random() < 0.5,
    });
  }
  return sessions;
}

/** A moment inside week `w` of the pilot (week 7 is the week of `now`). */
export function pilotTime(now: number, week: number): number {
  return now - (PILOT_WEEKS - 1 - week) * 7 * 86_400_000;
}

/** The events of one session, as the engine sends them. */
export function sessionEvents(s: PilotSession): TurnEvent[] {
  return [
    { type: 'started', lang: s.startLang, ...(s.campaign ? { campaign: s.campaign } : {}) },
    ...s.reached.map((step) => ({ type: 'reached' as const, lang: s.lang, step })),
    ...(s.completed
      ? [
          {
            type: 'completed' as const,
            lang: s.lang,
            ...(s.campaign ? { campaign: s.campaign } : {}),
            ...s.completed,
          },
        ]
      : []),
    ...(s.exited ? [{ type: 'exited' as const, lang: s.lang }] : []),
  ];
}

/** Counts every session's events. */
export async function countPilot(
  counter: StatsCounter,
  sessions: readonly PilotSession[],
  now: number,
): Promise<void> {
  for (const s of sessions) {
    const at = pilotTime(now, s.week);
    for (const e of sessionEvents(s)) await counter.recordEvent(e, s.channel, at);
  }
}
