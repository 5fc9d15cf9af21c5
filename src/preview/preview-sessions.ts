import { randomUUID } from 'node:crypto';
import { createCore, type Core } from '../app.js';
import type { Bundle } from '../bundle.js';
import { withoutFollowOnErrors } from '../check/follow-on.js';
import type { Config } from '../config.js';
import { recommendContacts } from '../contacts.js';
import type { Input } from '../engine.js';
import type { Dimension, Strength } from '../flow/schema.js';
import type { Logger } from '../log.js';
import { formatProblem } from '../problems.js';
import { loadForReload, type ReloadOutcome } from '../reload.js';
import type { RenderedMessage } from '../render.js';
import { scoreAnswers } from '../scoring.js';
import { MemorySessionStore } from '../store/memory-store.js';
import type { Level } from '../system-keys.js';

/** What the preview page needs to draw its menus, or the problems that stop the flows loading. */
export interface PreviewMeta {
  ok: boolean;
  /** Goes up by one each time flows/ and locales/ are loaded again (live reload). */
  generation: number;
  problems: string[];
  flows: { id: string; version: number }[];
  defaultFlow: string;
  languages: { code: string; name: string }[];
  /** Every indicator's dimension and English name, for colouring signs. */
  indicators: Record<string, { dimension: Dimension; name: string }>;
}

/** A sign as the side panel shows it. */
export interface PreviewSign {
  id: string;
  name: string;
  strength: Strength;
  dimension: Dimension;
}

/** The side panel: where the conversation is and what the answers show so far. Names are in English. */
export interface PreviewState {
  /** False once the conversation ended (exit): the session is wiped, as on a phone. */
  active: boolean;
  flow: string;
  lang: string | null;
  step: string | null;
  /** question, message, language, result, urgent (the emergency-help screen) or an overlay (language, resume). */
  stepType: string | null;
  /** The answers of the current step when it is a question of the flow (else empty): where each leads and what it signals. */
  choices: { id: string; next: string; signals: { id: string; strength: Strength }[]; urgent: boolean }[];
  answers: { step: string; choice: string; signals: { id: string; strength: Strength }[]; urgent: boolean }[];
  signs: PreviewSign[];
  level: Level;
  dimensions: { involuntary: string[]; coercion: string[] };
  contacts: { id: string; name: string; phone: string }[];
  /** True when the result step has been reached; before that, level and contacts are "if it ended now". */
  finished: boolean;
}

/** The answer to one preview request. */
export interface PreviewTurn {
  sessionId: string;
  messages: RenderedMessage[];
  state: PreviewState;
}

/** A request the page may not make (unknown session, flow or language). */
export class PreviewRequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'PreviewRequestError';
  }
}

const MAX_SESSIONS = 200;

/**
 * The preview's conversations: the real engine and renderer over the in-memory store, one core per
 * flow (each flow can be started on its own). Session ids are random and live only in this process.
 */
export class PreviewSessions {
  private bundle?: Bundle;
  private cores = new Map<string, Core>();
  private problems: string[] = [];
  private generation = 0;
  private readonly store = new MemorySessionStore();
  /** session id -> flow id, oldest first. */
  private readonly sessions = new Map<string, string>();
  /** How the files were when the preview started (what the terminal says first). */
  readonly atStart: ReloadOutcome;

  constructor(
    private readonly o: {
      root: string;
      config: Pick<Config, 'SESSION_TTL_HOURS' | 'RESUME_PROMPT_MINUTES'>;
      logger: Logger;
    },
  ) {
    this.atStart = this.reload();
  }

  /**
   * Loads flows and locales again. When they are broken, the last good version keeps running and the
   * page shows the problems. Conversations in progress go on (or start again if their flow changed).
   */
  reload(): ReloadOutcome {
    const outcome = loadForReload(this.o.root);
    this.generation += 1;
    if (!outcome.ok) {
      // As npm run check prints them: the steps cut off by a misspelt name stand as one note.
      const shown = withoutFollowOnErrors(outcome.problems);
      this.problems = [...shown.problems.map(formatProblem), ...shown.notes];
      return outcome;
    }
    this.problems = [];
    const bundle = outcome.bundle;
    this.bundle = bundle;
    this.cores = new Map(
      [...bundle.flows.keys()].map((id) => [
        id,
        createCore({ bundle: { ...bundle, defaultFlowId: id }, config: this.o.config, logger: this.o.logger, store: this.store }),
      ]),
    );
    return outcome;
  }

  meta(): PreviewMeta {
    const b = this.bundle;
    const core = b ? this.cores.get(b.defaultFlowId) : undefined;
    return {
      ok: this.problems.length === 0,
      generation: this.generation,
      problems: this.problems,
      flows: b ? [...b.flows.values()].map((f) => ({ id: f.id, version: f.version })) : [],
      defaultFlow: b?.defaultFlowId ?? '',
      languages: (b?.localeCodes ?? []).map((code) => ({ code, name: core!.translator.t(code, 'language.name') })),
      indicators: Object.fromEntries(
        [...(b?.indicators ?? new Map<string, { dimension: Dimension }>())].map(([id, v]) => [
          id,
          { dimension: v.dimension, name: core!.translator.t('en', `indicator.${id}.name`) },
        ]),
      ),
    };
  }

  /** Starts a conversation as a worker opening the bot (`lang` null: she is asked her language). */
  async start(flowId: string, lang: string | null): Promise<PreviewTurn> {
    const core = this.coreOf(flowId);
    if (lang !== null && !core.bundle.localeCodes.includes(lang)) throw new PreviewRequestError(`unknown language "${lang}"`);
    const sessionId = randomUUID();
    this.sessions.set(sessionId, flowId);
    while (this.sessions.size > MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value!;
      this.sessions.delete(oldest);
      await this.store.delete(chatRefOf(oldest));
    }
    const input: Input = lang ? { kind: 'start', lang } : { kind: 'start' };
    return this.run(sessionId, input);
  }

  /** One input in an existing conversation: a tapped choice, typed text or a command. */
  async turn(sessionId: string, input: Input): Promise<PreviewTurn> {
    return this.run(sessionId, input);
  }

  /** Shows the same step in another language, as the worker would by typing LANGUAGE and choosing one. */
  async switchLanguage(sessionId: string, lang: string): Promise<PreviewTurn> {
    const core = this.coreOf(this.flowOf(sessionId));
    if (!core.bundle.localeCodes.includes(lang)) throw new PreviewRequestError(`unknown language "${lang}"`);
    if (!(await this.store.read(chatRefOf(sessionId)))) return this.start(this.flowOf(sessionId), lang);
    await this.run(sessionId, { kind: 'command', command: 'language' });
    return this.run(sessionId, { kind: 'choice', id: lang });
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  private async run(sessionId: string, input: Input): Promise<PreviewTurn> {
    const flowId = this.flowOf(sessionId);
    const core = this.coreOf(flowId);
    const outcome = await core.conversations.handle(chatRefOf(sessionId), input, { channel: 'preview' });
    return { sessionId, messages: outcome.messages, state: await this.state(sessionId, flowId, core) };
  }

  private async state(sessionId: string, flowId: string, core: Core): Promise<PreviewState> {
    const record = await this.store.read(chatRefOf(sessionId));
    const bundle = core.bundle;
    const s = record?.value.s;
    const flow = bundle.flows.get(s?.flow ?? flowId) ?? bundle.flows.get(flowId)!;
    const answers = s?.answers ?? {};
    const assessment = scoreAnswers(flow, answers, bundle.indicators);
    const en = (key: string) => core.translator.t('en', key);
    const step = s?.step ?? null;
    const stepType = s?.overlay ?? (step === null ? null : step.includes('!urgent!') ? 'urgent' : (flow.steps.get(step)?.type ?? null));
    const current = step === null || s?.overlay ? undefined : flow.steps.get(step);
    return {
      active: s !== undefined,
      flow: flow.id,
      lang: s?.lang ?? null,
      step,
      stepType,
      choices:
        current?.type === 'question'
          ? current.choices.map((c) => ({ id: c.id, next: c.next, signals: signalsOf(c.signals), urgent: c.urgent }))
          : [],
      answers: Object.entries(answers).map(([stepId, choiceId]) => {
        const st = flow.steps.get(stepId);
        const choice = st?.type === 'question' ? st.choices.find((c) => c.id === choiceId) : undefined;
        return {
          step: stepId,
          choice: choiceId,
          signals: signalsOf(choice?.signals ?? {}),
          urgent: choice?.urgent ?? false,
        };
      }),
      signs: assessment.indicators.map((i) => ({ id: i.id, name: en(`indicator.${i.id}.name`), strength: i.strength, dimension: i.dimension })),
      level: assessment.level,
      dimensions: assessment.dimensions,
      contacts: recommendContacts(bundle, assessment, s?.lang ?? 'en').map((id) => ({
        id,
        name: en(`contact.${id}.name`),
        phone: bundle.contacts.contacts[id]?.phone ?? '',
      })),
      finished: stepType === 'result',
    };
  }

  private flowOf(sessionId: string): string {
    const flowId = this.sessions.get(sessionId);
    if (flowId === undefined) throw new PreviewRequestError('this preview conversation is not known (the preview was restarted?): start again', 404);
    return flowId;
  }

  private coreOf(flowId: string): Core {
    const core = this.cores.get(flowId);
    if (core) return core;
    if (!this.bundle) throw new PreviewRequestError('the flows have problems: fix them first (see the list on the page)', 503);
    throw new PreviewRequestError(`unknown flow "${flowId}"`);
  }
}

function signalsOf(signals: Record<string, Strength>): { id: string; strength: Strength }[] {
  return Object.entries(signals).map(([id, strength]) => ({ id, strength }));
}

/** The store key of a preview session (random ids; nothing here comes from a real chat). */
function chatRefOf(sessionId: string): string {
  return `preview:${sessionId}`;
}
