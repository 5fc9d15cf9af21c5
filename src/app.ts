import { fileURLToPath } from 'node:url';
import { loadBundle, type Bundle } from './bundle.js';
import type { Config } from './config.js';
import { Conversations, type EventSink } from './conversation.js';
import { Engine } from './engine.js';
import { Translator } from './i18n.js';
import type { Logger } from './log.js';
import { FlowProblemsError } from './problems.js';
import { Renderer } from './render.js';
import { MemorySessionStore } from './store/memory-store.js';
import type { SessionStore } from './store/session-store.js';

/** The project folder (where flows/ and locales/ live). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The conversation core, wired: what every channel needs. */
export interface Core {
  bundle: Bundle;
  translator: Translator;
  engine: Engine;
  renderer: Renderer;
  conversations: Conversations;
  store: SessionStore;
}

/**
 * Loads and checks flows and locales; throws FlowProblemsError listing every problem.
 * `englishFallback` (development only): a text missing in a language is shown in English, marked.
 */
export function loadCheckedBundle(root: string = PROJECT_ROOT, opts: { englishFallback?: boolean } = {}): Bundle {
  const { bundle, problems } = loadBundle({ root, englishFallback: opts.englishFallback });
  if (!bundle) throw new FlowProblemsError(problems);
  return bundle;
}

/** Builds the core from a checked bundle. The store defaults to memory (the embedded default). */
export function createCore(opts: {
  bundle: Bundle;
  config: Pick<Config, 'SESSION_TTL_HOURS' | 'RESUME_PROMPT_MINUTES'>;
  logger: Logger;
  store?: SessionStore;
  onEvent?: EventSink;
  now?: () => number;
}): Core {
  const translator = new Translator(opts.bundle);
  const ttlSeconds = Math.round(opts.config.SESSION_TTL_HOURS * 3600);
  const engine = new Engine(opts.bundle, translator, {
    idleMs: ttlSeconds * 1000,
    resumeAfterMs: opts.config.RESUME_PROMPT_MINUTES * 60_000,
  });
  const renderer = new Renderer(opts.bundle, translator);
  const store = opts.store ?? new MemorySessionStore(opts.now);
  const conversations = new Conversations({
    engine,
    renderer,
    store,
    ttlSeconds,
    logger: opts.logger,
    onEvent: opts.onEvent,
    now: opts.now,
  });
  return { bundle: opts.bundle, translator, engine, renderer, conversations, store };
}
