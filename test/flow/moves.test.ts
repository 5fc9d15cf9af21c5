import { initialTransition, transition } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  compileFlow,
  FlowMoves,
  urgentStepId,
  type FlowContext,
  type FlowEvent,
} from '../../src/flow/compile.js';
import { shippedBundle } from '../helpers/bundle.js';

const bundle = shippedBundle();
const flow = bundle.flows.get(bundle.defaultFlowId)!;
const machine = compileFlow(flow, bundle.localeCodes);

/** What XState itself does for one event from one stored step and context (the reference). */
function byXState(step: string, context: FlowContext, event: FlowEvent) {
  const [snap, actions] = transition(machine, machine.resolveState({ value: step, context }), event);
  return {
    step: String(snap.value),
    context: snap.context,
    actions: actions.map((a) => ({ type: a.type, params: a.params })),
  };
}

/** Every step the machine has, with the events that can reach it from the engine. */
function cases(): { step: string; event: FlowEvent }[] {
  const out: { step: string; event: FlowEvent }[] = [];
  for (const step of flow.steps.values()) {
    out.push({ step: step.id, event: { type: 'RESTART' } });
    if (step.type === 'question') {
      for (const c of step.choices) {
        out.push({ step: step.id, event: { type: 'CHOOSE', choice: c.id } });
        if (c.urgent)
          out.push({ step: urgentStepId(step.id, c.id), event: { type: 'CHOOSE', choice: 'continue' } });
      }
    }
    if (step.type === 'language')
      for (const code of bundle.localeCodes)
        out.push({ step: step.id, event: { type: 'CHOOSE', choice: code } });
    // An event the step does not take: nothing moves.
    out.push({ step: step.id, event: { type: 'CHOOSE', choice: 'no-such-choice' } });
  }
  return out;
}

describe('flow moves: worked out once, replayed without an actor', () => {
  const contexts: FlowContext[] = [
    { answers: {}, lang: null },
    { answers: { passport: 'yes', bank_card: 'no' }, lang: 'en' },
    { answers: { passport: 'no' }, lang: 'zh-HK' },
  ];

  it('gives exactly what XState gives, for every step, event and context (twice: computed, then remembered)', () => {
    const moves = new FlowMoves(machine);
    const all = cases();
    expect(all.length).toBeGreaterThan(50);
    for (let round = 0; round < 2; round++) {
      for (const { step, event } of all) {
        for (const context of contexts) {
          const got = moves.next(step, context, event);
          expect(got, `${step} ${JSON.stringify(event)}`).toEqual(byXState(step, context, event));
        }
      }
    }
  });

  it('starts like XState, with and without a language', () => {
    const moves = new FlowMoves(machine);
    for (const lang of [null, 'en', 'th', null]) {
      const [snap, actions] = initialTransition(machine, { lang });
      expect(moves.start(lang)).toEqual({
        step: String(snap.value),
        context: snap.context,
        actions: actions.map((a) => ({ type: a.type, params: a.params })),
      });
    }
  });

  it('a step the machine does not have gives null (the engine then starts again), not an exception', () => {
    const moves = new FlowMoves(machine);
    expect(
      moves.next('no-such-step', { answers: {}, lang: 'en' }, { type: 'CHOOSE', choice: 'yes' }),
    ).toBeNull();
  });

  it('the machine builds its context without input (no TypeError caught inside XState on every call)', () => {
    const [snap] = transition(
      machine,
      machine.resolveState({ value: flow.start, context: { answers: {}, lang: null } }),
      { type: 'RESTART' },
    );
    expect(snap.status).toBe('active');
    expect(machine.getInitialSnapshot({ self: undefined } as never, undefined as never).context).toEqual({
      answers: {},
      lang: null,
    });
  });

  it('never shares the answers object it was given when it records one', () => {
    const moves = new FlowMoves(machine);
    const q = [...flow.steps.values()].find((s) => s.type === 'question')!;
    if (q.type !== 'question') throw new Error('no question');
    const answers = {};
    const got = moves.next(q.id, { answers, lang: 'en' }, { type: 'CHOOSE', choice: q.choices[0]!.id })!;
    expect(answers).toEqual({});
    expect(got.context.answers).toEqual({ [q.id]: q.choices[0]!.id });
  });
});
