import { assign, enqueueActions, setup } from 'xstate';
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
    context: ({ input }) => ({ answers: {}, lang: input.lang }),
    on: { RESTART: { target: `.${flow.start}`, reenter: true, actions: 'reset' } },
    states: states as never,
  });
}

export type FlowMachine = ReturnType<typeof compileFlow>;
