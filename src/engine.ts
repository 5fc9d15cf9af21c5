import type { Bundle, Flow, Step } from './bundle.js';
import { quickContacts, recommendContacts, summaryContacts, urgentContacts } from './contacts.js';
import { compileFlow, FlowMoves, urgentStepId, type FlowAction, type FlowContext } from './flow/compile.js';
import type { Translator } from './i18n.js';
import { MAX_TEXT_INPUT, normaliseText, slashCommand, typedNumber } from './input.js';
import { scoreAnswers, type Assessment } from './scoring.js';
import { COMMANDS, type Command, type Level } from './system-keys.js';

// === Shapes shared with the store and the channels

/**
 * Everything kept about a conversation between two messages. It survives JSON.stringify/parse and holds
 * nothing typed by the user: only ids of steps and choices, the language, a campaign code and times.
 */
export interface Snapshot {
  /** Format of this object; a different value means "start again". */
  v: 1;
  flow: string;
  ver: number;
  /** Hash of the flow definition the session was started with. */
  hash: string;
  /** Current step (XState state value). */
  step: string;
  /** A question shown on top of the current step. */
  overlay?: 'language' | 'resume';
  /** Step id -> chosen choice id. */
  answers: Record<string, string>;
  lang: string | null;
  /** Leaflet campaign code, kept only until the assessment is counted. */
  campaign?: string;
  /** Epoch milliseconds. */
  started: number;
  updated: number;
}

/** What a channel hands the engine, already stripped of any identifier. */
export type Input =
  | { kind: 'start'; lang?: string; campaign?: string }
  /** The chat was opened again (e.g. the terminal chat restarted): show where she is, or start. */
  | { kind: 'open'; lang?: string }
  | { kind: 'choice'; id: string; step?: string }
  /** `reply`: she answered an earlier question by replying to it (Telegram), so she was mid-conversation. */
  | { kind: 'text'; text: string; reply?: true }
  | { kind: 'command'; command: Command }
  /** A sticker, photo, voice note, location, contact or any other non-text message. */
  | { kind: 'unsupported' };

/** One answer the user can pick. `label` is a translation key, rendered in `labelLang` when given. */
export interface ChoiceIntent {
  id: string;
  label: string;
  labelLang?: string;
  /** The indicators it signals strongly (these count for the result level). */
  strong: string[];
  /** The indicators it signals as possible only. */
  possible: string[];
  urgent: boolean;
}

/** What the engine asks a channel to show. Channels render keys with the Translator. */
export type Intent =
  | { type: 'message'; key: string; contacts?: string[] }
  | { type: 'question'; step: string; key: string; indicators: string[]; choices: ChoiceIntent[] }
  /** The short result: what the signs mean and the few contacts that fit her best (`summary`). */
  | { type: 'result'; key: string; assessment: Assessment; contacts: string[]; summary: string[] }
  /** Her rights for each sign, and every recommended contact (shown on a tap after the result). */
  | { type: 'details'; assessment: Assessment; contacts: string[] }
  | { type: 'exit' };

/** Things worth counting anonymously (see src/stats). */
export type TurnEvent =
  | { type: 'started'; lang: string | null; campaign?: string }
  | { type: 'completed'; lang: string | null; campaign?: string; level: Level; indicators: string[] }
  | { type: 'exited'; lang: string | null }
  /** A question of the flow shown for the first time in this session (see afterTransition). */
  | { type: 'reached'; lang: string | null; step: string };

export interface TurnResult {
  /** The session to store, or null to delete it. */
  snapshot: Snapshot | null;
  intents: Intent[];
  events: TurnEvent[];
  /** False when the session is exactly as it was (bad input): nothing needs writing. */
  changed: boolean;
  /** The language to render intents in. */
  lang: string | null;
}

export interface EngineOptions {
  /** A session idle longer than this is forgotten (the store's TTL does the same). */
  idleMs: number;
  /** A session idle longer than this asks "continue or start again?" before going on. */
  resumeAfterMs: number;
}

const SYSTEM_CHOICES: Record<string, 'contacts' | 'restart' | 'exit' | 'continue' | 'details'> = {
  contacts: 'contacts',
  details: 'details',
  restart: 'restart',
  exit: 'exit',
  continue: 'continue',
};

/** A button the engine adds (continue, contacts, exit ...): it signals nothing. */
function systemChoice(id: string): ChoiceIntent {
  return { id, label: `choice.${id}`, strong: [], possible: [], urgent: false };
}

// === The engine

/** Runs conversations: one pure function from (snapshot, input) to (snapshot, intents). No I/O. */
export class Engine {
  /** Per flow: its compiled machine's transitions, worked out once each (no actor per turn). */
  private readonly machines = new Map<string, FlowMoves>();
  /** Question intents per step (they never change while the engine lives): built once, shared. */
  private readonly questions = new WeakMap<Step, Extract<Intent, { type: 'question' }>>();
  /** The questions the engine adds (language, urgent help, resume, result), per kind and step id. */
  private readonly added = new Map<string, Extract<Intent, { type: 'question' }>>();
  /** Per flow, step and language: normalised word -> choice id. Built on first use. */
  private readonly wordIndex = new Map<string, Map<string, string>>();
  private readonly commandWords = new Map<string, Command>();

  constructor(
    readonly bundle: Bundle,
    readonly translator: Translator,
    readonly options: EngineOptions,
  ) {
    for (const flow of bundle.flows.values()) this.machines.set(flow.id, new FlowMoves(compileFlow(flow, bundle.localeCodes)));
    // Command words of every language work in every session: she may type "exit" in English anywhere.
    for (const lang of bundle.localeCodes) {
      for (const c of COMMANDS) {
        for (const w of translator.words(lang, `command.${c}.words`)) {
          const n = normaliseText(w);
          if (n && !this.commandWords.has(n)) this.commandWords.set(n, c);
        }
      }
    }
  }

  private get defaultFlow(): Flow {
    return this.bundle.flows.get(this.bundle.defaultFlowId)!;
  }

  /** Handles one input. `now` is injectable so tests control time. */
  turn(snapshot: Snapshot | null, input: Input, now: number = Date.now()): TurnResult {
    const intents: Intent[] = [];
    let session = snapshot;

    // A forgotten, foreign or outdated session: drop it, politely when the questions changed.
    if (session && now - session.updated > this.options.idleMs) session = null;
    if (session && !this.isCurrent(session)) {
      intents.push({ type: 'message', key: 'session.flow_updated' });
      const lang = session.lang && this.bundle.localeCodes.includes(session.lang) ? session.lang : null;
      return this.startSession({ lang, campaign: session.campaign }, now, intents);
    }

    const command = this.commandOf(input);
    if (command === 'exit') {
      return {
        snapshot: null,
        intents: [{ type: 'exit' }],
        events: session ? [{ type: 'exited', lang: session.lang }] : [],
        changed: session !== null,
        lang: session?.lang ?? null,
      };
    }

    if (!session) {
      if (input.kind === 'start' || input.kind === 'open') return this.startSession(this.validStart(input), now, intents);
      // She was mid-conversation (an answer button of an old question, a reply to one) but her
      // session is gone (it expired, or the store restarted empty): say so, then start again.
      if ((input.kind === 'choice' && input.step !== undefined) || (input.kind === 'text' && input.reply)) {
        intents.push({ type: 'message', key: 'session.lost' });
      }
      if (command === 'contacts' || command === 'help') intents.push(...this.commandIntents(command, null));
      return this.startSession({}, now, intents);
    }

    if (input.kind === 'start') {
      const start = this.validStart(input);
      return this.startSession({ lang: start.lang ?? session.lang, campaign: start.campaign ?? session.campaign }, now, intents);
    }

    switch (command) {
      case 'restart':
        return this.restart(session, now);
      case 'language':
        return this.changed({ ...session, overlay: 'language', updated: now }, [this.languageQuestion(session.step)]);
      case 'contacts':
      case 'help':
        return this.unchanged(session, [...this.commandIntents(command, session.lang), ...this.askCurrent(session)]);
      case 'unknown':
        return this.unchanged(session, [{ type: 'message', key: 'input.unknown_command' }, ...this.askCurrent(session)]);
    }

    if (input.kind === 'open') return this.unchanged(session, this.askCurrent(session));
    if (input.kind === 'unsupported') {
      return this.unchanged(session, [{ type: 'message', key: 'input.non_text' }, ...this.askCurrent(session)]);
    }

    // Back after a long pause: ask before going on (her phone may have been checked in between).
    if (!session.overlay && now - session.updated > this.options.resumeAfterMs && this.isMidway(session)) {
      return this.changed({ ...session, overlay: 'resume', updated: now }, [this.resumeQuestion(session.step)]);
    }

    const current = this.currentQuestion(session);
    if (input.kind === 'choice' && input.step !== undefined && input.step !== current.step) {
      return this.unchanged(session, [{ type: 'message', key: 'input.old_button' }, ...this.askCurrent(session)]);
    }
    const choiceId = input.kind === 'choice' ? input.id : input.kind === 'text' ? this.matchChoice(current, input.text, session.lang) : undefined;
    const choice = choiceId === undefined ? undefined : current.choices.find((c) => c.id === choiceId);
    if (!choice) {
      return this.unchanged(session, [{ type: 'message', key: 'input.tap_a_choice' }, ...this.askCurrent(session)]);
    }

    if (session.overlay === 'language') {
      const lang = choice.id;
      const next: Snapshot = { ...session, overlay: undefined, lang, updated: now };
      delete next.overlay;
      return { ...this.changed(next, this.askCurrent(next)), lang };
    }
    if (session.overlay === 'resume') {
      if (choice.id === 'restart') return this.restart(session, now);
      const next: Snapshot = { ...session, updated: now };
      delete next.overlay;
      return this.changed(next, this.askCurrent(next));
    }

    // On screens the engine adds (result, urgent help) the choices are commands, except "continue".
    const step = this.flowOf(session).steps.get(session.step);
    const system = SYSTEM_CHOICES[choice.id];
    if (step?.type !== 'question' && step?.type !== 'language' && system && system !== 'continue') {
      if (system === 'restart') return this.restart(session, now);
      if (system === 'exit') return this.turn(session, { kind: 'command', command: 'exit' }, now);
      if (system === 'contacts') {
        return this.unchanged(session, [...this.commandIntents('contacts', session.lang), ...this.askCurrent(session)]);
      }
      if (system === 'details' && step?.type === 'result') {
        const flow = this.flowOf(session);
        const assessment = scoreAnswers(flow, session.answers, this.bundle.indicators);
        const contacts = recommendContacts(this.bundle, assessment, session.lang ?? 'en', now);
        return this.unchanged(session, [{ type: 'details', assessment, contacts }, ...this.askCurrent(session)]);
      }
    }
    return this.send(session, { type: 'CHOOSE', choice: choice.id }, now);
  }

  /** What to show when a turn could not be completed (store down, unexpected error). Needs no session. */
  failSafe(lang: string | null): Intent[] {
    return [{ type: 'message', key: 'error.sorry', contacts: quickContacts(this.bundle, lang) }];
  }

  /** The question currently waiting for an answer (for re-prompts, previews and channels). */
  currentQuestion(session: Snapshot): Extract<Intent, { type: 'question' }> {
    if (session.overlay === 'language') return this.languageQuestion(session.step);
    if (session.overlay === 'resume') return this.resumeQuestion(session.step);
    const flow = this.flowOf(session);
    const urgent = /^(.+)!urgent!(.+)$/.exec(session.step);
    if (urgent) return this.urgentQuestion(session.step);
    const step = flow.steps.get(session.step);
    if (step?.type === 'question') return this.questionIntent(step);
    if (step?.type === 'language') return this.languageQuestion(step.id);
    return this.addedQuestion('result', session.step, () => ({
      type: 'question',
      step: session.step,
      key: 'result.next',
      indicators: [],
      choices: ['details', 'contacts', 'restart', 'exit'].map((id) => systemChoice(id)),
    }));
  }

  // === Turn helpers

  private startSession(start: { lang?: string | null; campaign?: string }, now: number, before: Intent[]): TurnResult {
    const flow = this.defaultFlow;
    const lang = start.lang ?? null;
    const first = this.machines.get(flow.id)!.start(lang);
    if (!first) throw new Error(`flow ${flow.id} cannot start`);
    const session: Snapshot = {
      v: 1,
      flow: flow.id,
      ver: flow.version,
      hash: flow.hash,
      step: first.step,
      answers: {},
      lang,
      ...(start.campaign ? { campaign: start.campaign } : {}),
      started: now,
      updated: now,
    };
    const result = this.afterTransition(session, first.context, first.step, first.actions, now);
    return {
      ...result,
      intents: [...before, ...result.intents],
      events: [{ type: 'started', lang, ...(start.campaign ? { campaign: start.campaign } : {}) }, ...result.events],
      changed: true,
    };
  }

  private restart(session: Snapshot, now: number): TurnResult {
    const result = this.send(session, { type: 'RESTART' }, now);
    if (result.snapshot) result.snapshot.started = now;
    return { ...result, events: [{ type: 'started', lang: session.lang, ...(session.campaign ? { campaign: session.campaign } : {}) }, ...result.events] };
  }

  private send(session: Snapshot, event: { type: 'CHOOSE'; choice: string } | { type: 'RESTART' }, now: number): TurnResult {
    const moved = this.machines.get(session.flow)?.next(session.step, { answers: session.answers, lang: session.lang }, event);
    // A snapshot that does not fit the machine (should not happen once the hash matches): start again politely.
    if (!moved) {
      return this.startSession({ lang: session.lang, campaign: session.campaign }, now, [{ type: 'message', key: 'session.flow_updated' }]);
    }
    return this.afterTransition(session, moved.context, moved.step, moved.actions, now);
  }

  private afterTransition(
    session: Snapshot,
    context: FlowContext,
    step: string,
    actions: readonly FlowAction[],
    now: number,
  ): TurnResult {
    const flow = this.flowOf(session);
    const intents: Intent[] = [];
    const events: TurnEvent[] = [];
    // Field by field (no spread): the next snapshot, without any overlay (a move answers it).
    let next: Snapshot | null = {
      v: 1,
      flow: session.flow,
      ver: session.ver,
      hash: session.hash,
      step,
      answers: context.answers,
      lang: context.lang,
      started: session.started,
      updated: now,
    };
    if (session.campaign !== undefined) next.campaign = session.campaign;
    for (const action of actions) {
      const params = action.params;
      switch (action.type) {
        case 'ask':
          intents.push(this.questionIntent(flow.steps.get(params.step) as Extract<Step, { type: 'question' }>));
          // "Where workers stop": counted when the flow moves to a question not answered in this session.
          // A question shown again (unclear answer, help, resume, language change) is no transition;
          // after a restart the answers are empty, so it counts again, like the start.
          if (!(params.step in context.answers)) events.push({ type: 'reached', lang: context.lang, step: params.step });
          break;
        case 'askLanguage':
          intents.push(this.languageQuestion(params.step));
          break;
        case 'say':
          intents.push({ type: 'message', key: flow.steps.get(params.step)!.text });
          break;
        case 'urgent': {
          const s = flow.steps.get(params.step);
          const choice = s?.type === 'question' ? s.choices.find((c) => c.id === params.choice) : undefined;
          const contacts = urgentContacts(this.bundle, choice?.contacts.length ? choice.contacts : this.bundle.contacts.recommend.urgent, now);
          intents.push({ type: 'message', key: 'urgent.text', contacts });
          intents.push(this.urgentQuestion(urgentStepId(params.step, params.choice ?? '')));
          break;
        }
        case 'result': {
          const assessment = scoreAnswers(flow, context.answers, this.bundle.indicators);
          const lang = context.lang ?? 'en';
          const contacts = recommendContacts(this.bundle, assessment, lang, now);
          intents.push({
            type: 'result',
            key: flow.steps.get(params.step)!.text,
            assessment,
            contacts,
            summary: summaryContacts(this.bundle, assessment, lang, contacts, now),
          });
          intents.push(this.currentQuestion(next!));
          events.push({
            type: 'completed',
            lang: context.lang,
            ...(session.campaign ? { campaign: session.campaign } : {}),
            level: assessment.level,
            indicators: assessment.indicators.filter((i) => i.strength === 'strong').map((i) => i.id),
          });
          // Counted once: the campaign code is not kept after it has served the counts.
          delete next!.campaign;
          break;
        }
      }
    }
    if (!next) next = null;
    return { snapshot: next, intents, events, changed: true, lang: context.lang };
  }

  private changed(snapshot: Snapshot, intents: Intent[]): TurnResult {
    return { snapshot, intents, events: [], changed: true, lang: snapshot.lang };
  }

  private unchanged(snapshot: Snapshot, intents: Intent[]): TurnResult {
    return { snapshot, intents, events: [], changed: false, lang: snapshot.lang };
  }

  private askCurrent(session: Snapshot): Intent[] {
    return [this.currentQuestion(session)];
  }

  private commandIntents(command: 'contacts' | 'help', lang: string | null): Intent[] {
    return command === 'contacts'
      ? [{ type: 'message', key: 'contacts.title', contacts: quickContacts(this.bundle, lang) }]
      : [{ type: 'message', key: 'help.text', contacts: quickContacts(this.bundle, lang) }];
  }

  // === Questions

  private questionIntent(step: Extract<Step, { type: 'question' }>): Extract<Intent, { type: 'question' }> {
    let intent = this.questions.get(step);
    if (!intent) {
      intent = this.buildQuestionIntent(step);
      this.questions.set(step, intent);
    }
    return intent;
  }

  /** An added question, built once per kind and step (steps are checked before: the map stays small). */
  private addedQuestion(kind: string, step: string, build: () => Extract<Intent, { type: 'question' }>) {
    const key = `${kind}\u0000${step}`;
    let intent = this.added.get(key);
    if (!intent) {
      intent = build();
      if (this.added.size < 10_000) this.added.set(key, intent);
    }
    return intent;
  }

  private buildQuestionIntent(step: Extract<Step, { type: 'question' }>): Extract<Intent, { type: 'question' }> {
    const indicators = [...new Set(step.choices.flatMap((c) => Object.keys(c.signals)))];
    return {
      type: 'question',
      step: step.id,
      key: step.text,
      indicators,
      choices: step.choices.map((c) => ({
        id: c.id,
        label: c.label,
        strong: Object.keys(c.signals).filter((k) => c.signals[k] === 'strong'),
        possible: Object.keys(c.signals).filter((k) => c.signals[k] === 'possible'),
        urgent: c.urgent,
      })),
    };
  }

  private languageQuestion(step: string): Extract<Intent, { type: 'question' }> {
    return this.addedQuestion('language', step, () => this.buildLanguageQuestion(step));
  }

  private buildLanguageQuestion(step: string): Extract<Intent, { type: 'question' }> {
    const flow = this.defaultFlow;
    const langStep = [...flow.steps.values()].find((s) => s.type === 'language');
    return {
      type: 'question',
      step,
      key: langStep?.text ?? 'language.choose',
      indicators: [],
      choices: (langStep?.type === 'language' ? langStep.order : this.bundle.localeCodes).map((code) => ({
        id: code,
        label: 'language.name',
        labelLang: code,
        strong: [],
        possible: [],
        urgent: false,
      })),
    };
  }

  private urgentQuestion(step: string): Extract<Intent, { type: 'question' }> {
    return this.addedQuestion('urgent', step, () => ({
      type: 'question',
      step,
      key: 'urgent.continue',
      indicators: [],
      choices: ['continue', 'contacts', 'exit'].map((id) => systemChoice(id)),
    }));
  }

  private resumeQuestion(step: string): Extract<Intent, { type: 'question' }> {
    return this.addedQuestion('resume', step, () => ({
      type: 'question',
      step,
      key: 'session.resume_question',
      indicators: [],
      choices: ['resume', 'restart'].map((id) => systemChoice(id)),
    }));
  }

  // === Understanding typed text

  /** True when the input asks to exit (the command, or an exit word of any language). */
  isExit(input: Input): boolean {
    return this.commandOf(input) === 'exit';
  }

  private commandOf(input: Input): Command | 'unknown' | undefined {
    if (input.kind === 'command') return input.command;
    if (input.kind !== 'text' || input.text.length > MAX_TEXT_INPUT) return undefined;
    const slash = slashCommand(input.text);
    if (slash) {
      if (slash.name === 'start') return 'restart';
      return (COMMANDS as readonly string[]).includes(slash.name) ? (slash.name as Command) : 'unknown';
    }
    if (input.text.trim().startsWith('/')) return 'unknown';
    return this.commandWords.get(normaliseText(input.text));
  }

  /** Matches typed text to a choice: its number, its label, its accepted words or its id. */
  private matchChoice(question: Extract<Intent, { type: 'question' }>, text: string, lang: string | null): string | undefined {
    if (text.length > MAX_TEXT_INPUT) return undefined;
    const n = typedNumber(text);
    const byNumber = n === undefined ? undefined : question.choices[n - 1]?.id;
    if (byNumber !== undefined) return byNumber;
    // A number that is no answer's number may still be an answer typed as a number (hours: "14").
    const typed = normaliseText(text);
    if (!typed) return undefined;
    return this.wordsFor(question, lang ?? 'en').get(typed);
  }

  private wordsFor(question: Extract<Intent, { type: 'question' }>, lang: string): Map<string, string> {
    const cacheKey = `${question.step}\u0000${question.key}\u0000${lang}`;
    let index = this.wordIndex.get(cacheKey);
    if (index) return index;
    index = new Map();
    const flowStep = this.defaultFlow.steps.get(question.step);
    const wordsKeyOf = (id: string) =>
      flowStep?.type === 'question' ? flowStep.choices.find((c) => c.id === id)?.words : undefined;
    // Her language first, then English; the first language to claim a word keeps it.
    for (const l of [...new Set([lang, 'en'])]) {
      for (const c of question.choices) {
        const labelLang = c.labelLang ?? l;
        // A language in the language menu is also chosen by its typed names (`language.words` of that language).
        const candidates = [
          this.translator.t(labelLang, c.label),
          ...(c.labelLang ? this.translator.words(c.labelLang, 'language.words') : this.translator.words(l, wordsKeyOf(c.id) ?? `words.${c.label}`)),
          c.id,
        ];
        for (const w of candidates) {
          const nw = normaliseText(w);
          if (nw && !index.has(nw)) index.set(nw, c.id);
        }
      }
    }
    this.wordIndex.set(cacheKey, index);
    return index;
  }

  // === Session checks

  private flowOf(session: Snapshot): Flow {
    return this.bundle.flows.get(session.flow) ?? this.defaultFlow;
  }

  private isCurrent(session: Snapshot): boolean {
    const flow = this.bundle.flows.get(session.flow);
    if (session.v !== 1 || flow === undefined || flow.version !== session.ver || flow.hash !== session.hash) return false;
    // The step must exist: a snapshot restored into a machine without that state would sit in error.
    const urgent = /^(.+)!urgent!(.+)$/.exec(session.step);
    if (urgent) {
      const step = flow.steps.get(urgent[1]!);
      return step?.type === 'question' && step.choices.some((c) => c.id === urgent[2] && c.urgent);
    }
    return flow.steps.has(session.step);
  }

  private isMidway(session: Snapshot): boolean {
    const step = this.flowOf(session).steps.get(session.step);
    return Object.keys(session.answers).length > 0 && step?.type !== 'result';
  }

  private validStart(input: { lang?: string; campaign?: string }): { lang?: string; campaign?: string } {
    return {
      ...(input.lang && this.bundle.localeCodes.includes(input.lang) ? { lang: input.lang } : {}),
      ...(input.campaign && /^[A-Za-z0-9_-]{1,32}$/.test(input.campaign) ? { campaign: input.campaign } : {}),
    };
  }
}
