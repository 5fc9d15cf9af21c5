import type { Bundle } from '../../src/bundle.js';
import { Engine, type Input, type Snapshot, type TurnResult } from '../../src/engine.js';
import { Translator } from '../../src/i18n.js';
import { Renderer, type RenderedMessage } from '../../src/render.js';

export const HOUR = 3600_000;

export function makeEngine(bundle: Bundle, opts: Partial<{ idleMs: number; resumeAfterMs: number }> = {}) {
  const translator = new Translator(bundle);
  const engine = new Engine(bundle, translator, { idleMs: 24 * HOUR, resumeAfterMs: 0.5 * HOUR, ...opts });
  return { engine, translator, renderer: new Renderer(bundle, translator) };
}

/** Drives the engine as production does: the snapshot goes through JSON between every turn. */
export class EngineDriver {
  snapshot: Snapshot | null = null;
  now = Date.UTC(2026, 11, 3, 9, 0, 0);
  last: TurnResult | undefined;

  constructor(
    readonly engine: Engine,
    readonly renderer: Renderer,
  ) {}

  send(input: Input | string, advanceMs = 10_000): RenderedMessage[] {
    this.now += advanceMs;
    const i: Input = typeof input === 'string' ? { kind: 'text', text: input } : input;
    const stored = this.snapshot === null ? null : (JSON.parse(JSON.stringify(this.snapshot)) as Snapshot);
    this.last = this.engine.turn(stored, i, this.now);
    this.snapshot = this.last.snapshot === null ? null : (JSON.parse(JSON.stringify(this.last.snapshot)) as Snapshot);
    return this.renderer.render(this.last.intents, this.last.lang);
  }

  /** The question now waiting, as rendered. */
  question(): Extract<RenderedMessage, { type: 'question' }> {
    const q = this.renderer.renderOne(this.engine.currentQuestion(this.snapshot!), this.snapshot!.lang);
    return q as Extract<RenderedMessage, { type: 'question' }>;
  }
}
