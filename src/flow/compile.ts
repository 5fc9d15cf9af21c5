import { assign, enqueueActions, initialTransition, setup, transition } from 'xstate';
import type { Flow } from '../bundle.js';

/** What the conversation remembers between turns (nothing typed by the user). */
export interface FlowContext {
  answers: Record<string, string>;
  lang: string | null;
}

/** Events the engine sends into a compiled flow. */
export type FlowEvent = { type: 'CHOOSE'; choice: string } | { type: 'RESTART' };

/** The id of the generated step that shows emergency help after an urgent answer. */
// "!" cannot appear in a step id, so generated ids never clash with a maintainer's.
export const urgentStepId = (stepId: string, choiceId: string) => `${stepId}!urgent!${choiceId}`;

/**
 * The machine's named effects. The engine turns the returned actions into outbound intents;
 * nothing here sends anything.
 */
const flowSetup = setup({
  types: {} as { context: FlowContext; events: FlowEvent; input: { lang: string | null } },
  actions: {
    ask: (_, _params: { step: string }) => {},
    say: (_, _params: { step: string }) => {},
    askLanguage: (_, _params: { step: string }) => {},
    urgent: (_, _params: { step: string; choice: string }) => {},
    result: (_, _params: { step: string }) => {},
    record: assign({
      answers: ({ context }, params: { step: string; choice: string }) => ({ ...context.answers, [params.step]: params.choice }),
    }),
    setLanguage: assign({
      lang: ({ event }) => (event.type === 'CHOOSE' ? event.choice : null),
    }),
    reset: assign({ answers: () => ({}) }),
  },
  guards: {
    isChoice: ({ event }, params: { id: string }) => event.type === 'CHOOSE' && event.choice === params.id,
    isLanguage: ({ event }, params: { codes: string[] }) => event.type === 'CHOOSE' && params.codes.includes(event.choice),
    hasLanguage: ({ context }) => context.lang !== null,
  },
});

/** Compiles a checked flow into an XState v5 machine. Each step is a state named after its id. */
export function compileFlow(flow: Flow, localeCodes: readonly string[]) {
  const states: Record<string, object> = {};
  for (const step of flow.steps.values()) {
    switch (step.type) {
      case 'language':
        states[step.id] = {
          // A language chosen earlier (deep link, --lang, restart) skips the question.
          entry: enqueueActions(({ context, enqueue }) => {
            if (context.lang === null) enqueue({ type: 'askLanguage', params: { step: step.id } });
          }),
          always: { guard: 'hasLanguage', target: step.next },
          on: {
            CHOOSE: { guard: { type: 'isLanguage', params: { codes: [...localeCodes] } }, target: step.next, actions: 'setLanguage' },
          },
        };
        break;
      case 'message':
        states[step.id] = { entry: { type: 'say', params: { step: step.id } }, always: step.next };
        break;
      case 'question':
        states[step.id] = {
          entry: { type: 'ask', params: { step: step.id } },
          on: {
            CHOOSE: step.choices.map((c) => ({
              guard: { type: 'isChoice', params: { id: c.id } },
              target: c.urgent ? urgentStepId(step.id, c.id) : c.next,
              actions: { type: 'record', params: { step: step.id, choice: c.id } },
            })),
          },
        };
        for (const c of step.choices.filter((x) => x.urgent)) {
          states[urgentStepId(step.id, c.id)] = {
            entry: { type: 'urgent', params: { step: step.id, choice: c.id } },
            on: { CHOOSE: { guard: { type: 'isChoice', params: { id: 'continue' } }, target: c.next } },
          };
        }
        break;
      case 'result':
        states[step.id] = { entry: { type: 'result', params: { step: step.id } } };
        break;
    }
  }
  return flowSetup.createMachine({
    id: flow.id,
    initial: flow.start,
    // `input` is absent when XState builds a throwaway actor (its pure `transition()` does): no throw then.
    context: ({ input }) => ({ answers: {}, lang: input?.lang ?? null }),
    on: { RESTART: { target: `.${flow.start}`, reenter: true, actions: 'reset' } },
    states: states as never,
  });
}

export type FlowMachine = ReturnType<typeof compileFlow>;

/** An effect the engine turns into intents (`ask`, `say`, `askLanguage`, `urgent`, `result`). */
export interface FlowAction {
  type: string;
  params: { step: string; choice?: string };
}

/** Where one event leads from one step, and what it does to the context. */
interface Move {
  step: string;
  actions: readonly FlowAction[];
  /** False when the answers are reset (RESTART). */
  keepAnswers: boolean;
  /** Answers recorded by this move, as (step id, choice id) pairs. */
  recorded: readonly (readonly [string, string])[];
  /** The language set by this move (`undefined`: unchanged). */
  lang?: string | null;
}

/** Stands for "some answers" and "some language" while a move is worked out once. */
const PROBE = '\u0000probe';
/** Moves remembered per machine at most (steps x choices x 2; a flow has a few hundred). */
const MOVES_MAX = 50_000;

/**
 * The transitions of a compiled flow, worked out once per (step, event, language set or not) by
 * XState itself on the same machine, then replayed on every turn without building an actor.
 * This holds because the flow's guards and entry actions look only at the event and at whether a
 * language is set, never at the answers (see `flowSetup`): keep it so when adding any.
 * test/engine.test.ts compares every move with XState's own transition.
 */
export class FlowMoves {
  /**
   * Step -> event (choice id; "\u0001" for RESTART) -> [move without a language, with one]. The
   * first moves sit under the step "" (no step id is empty): no key string is built per turn.
   */
  private readonly moves = new Map<string, Map<string, [Move | null | undefined, Move | null | undefined]>>();
  private size = 0;

  constructor(readonly machine: FlowMachine) {}

  /** The first step for a new session and what it does, or null when the machine fails. */
  start(lang: string | null): { step: string; context: FlowContext; actions: readonly FlowAction[] } | null {
    const slot = lang === null ? 0 : 1;
    let move = this.moves.get('')?.get('start')?.[slot];
    if (move === undefined) {
      const [snap, actions] = initialTransition(this.machine, { lang: lang === null ? null : PROBE });
      move =
        snap.status === 'error'
          ? null
          : toMove(String(snap.value), snap.context, actions, {}, lang === null ? null : PROBE);
      this.remember('', 'start', slot, move);
    }
    return move && apply(move, { answers: {}, lang });
  }

  /** Where `event` leads from `step` with `context`, or null when the step does not fit the machine. */
  next(
    step: string,
    context: FlowContext,
    event: FlowEvent,
  ): { step: string; context: FlowContext; actions: readonly FlowAction[] } | null {
    const eventKey = event.type === 'CHOOSE' ? event.choice : '\u0001';
    const slot = context.lang === null ? 0 : 1;
    let move = this.moves.get(step)?.get(eventKey)?.[slot];
    if (move === undefined) {
      move = this.compute(step, context.lang === null ? null : PROBE, event);
      this.remember(step, eventKey, slot, move);
    }
    return move && apply(move, context);
  }

  private compute(step: string, lang: string | null, event: FlowEvent): Move | null {
    const answers = { [PROBE]: PROBE };
    let restored;
    try {
      restored = this.machine.resolveState({ value: step, context: { answers, lang } });
    } catch {
      return null;
    }
    if (restored.status === 'error') return null;
    const [snap, actions] = transition(this.machine, restored, event);
    return snap.status === 'error' ? null : toMove(String(snap.value), snap.context, actions, answers, lang);
  }

  private remember(step: string, eventKey: string, slot: 0 | 1, move: Move | null): void {
    if (this.size >= MOVES_MAX) return;
    let events = this.moves.get(step);
    if (!events) this.moves.set(step, (events = new Map()));
    let pair = events.get(eventKey);
    if (!pair) events.set(eventKey, (pair = [undefined, undefined]));
    pair[slot] = move;
    this.size++;
  }
}

function toMove(
  step: string,
  context: FlowContext,
  actions: readonly { type: string; params?: unknown }[],
  before: Record<string, string>,
  lang: string | null,
): Move {
  const record: Record<string, string> = {};
  for (const [k, v] of Object.entries(context.answers)) if (before[k] !== v) record[k] = v;
  return {
    step,
    actions: actions.map((a) => ({ type: a.type, params: (a.params ?? { step }) as FlowAction['params'] })),
    keepAnswers: Object.keys(before).every((k) => k in context.answers),
    recorded: Object.entries(record),
    ...(context.lang !== lang ? { lang: context.lang } : {}),
  };
}

function apply(
  move: Move,
  context: FlowContext,
): { step: string; context: FlowContext; actions: readonly FlowAction[] } {
  let answers = context.answers;
  if (!move.keepAnswers || move.recorded.length > 0) {
    // A copy with one source, then the few answers added (faster than a spread of two objects).
    answers = move.keepAnswers ? { ...context.answers } : {};
    for (const [k, v] of move.recorded) answers[k] = v;
  }
  return {
    step: move.step,
    context: { answers, lang: move.lang === undefined ? context.lang : move.lang },
    actions: move.actions,
  };
}
