import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { loadBundle, type Bundle } from './bundle.js';
import { withoutFollowOnErrors } from './check/follow-on.js';
import { checkWarnings } from './check/warnings.js';
import type { Conversations } from './conversation.js';
import { Engine } from './engine.js';
import { Translator } from './i18n.js';
import { formatProblem, type Problem } from './problems.js';
import { Renderer } from './render.js';

// === Watching flows/ and locales/

/** Something that can be stopped. */
export interface Watching {
  close(): void;
}

/** Files whose change can alter the bot: flows, contacts, figures and texts. */
const WATCHED_FILE = /\.ya?ml$/i;

/**
 * Calls `onChange` once, `debounceMs` after the last change to a YAML file under `<root>/flows` or
 * `<root>/locales` (editors often write a file in several steps). Watches folders, not files, so a
 * save that replaces the file is seen, and a new language folder is picked up. Never keeps the
 * process alive on its own.
 */
export function watchFlowFiles(root: string, onChange: () => void, debounceMs = 250): Watching {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const changed = (dir: string, file: string | null) => {
    // In locales/ itself every entry is a language folder; elsewhere only YAML files matter (not editor swap files).
    if (closed || (file !== null && dir !== join(root, 'locales') && !WATCHED_FILE.test(file))) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (closed) return;
      refresh();
      onChange();
    }, debounceMs);
    timer.unref();
  };
  const add = (dir: string) => {
    if (watchers.has(dir) || !isDirectory(dir)) return;
    try {
      const w = watch(dir, (_event, name) => changed(dir, name === null ? null : String(name)));
      w.on('error', () => {
        w.close();
        watchers.delete(dir);
      });
      w.unref();
      watchers.set(dir, w);
    } catch {
      // The folder went away between listing and watching: the next refresh tries again.
    }
  };
  // flows/, locales/ and one folder per language (fs.watch is not recursive on every platform).
  const refresh = () => {
    add(join(root, 'flows'));
    const locales = join(root, 'locales');
    add(locales);
    if (existsSync(locales)) for (const code of readdirSync(locales)) add(join(locales, code));
    for (const [dir, w] of watchers) {
      if (!existsSync(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
  };
  refresh();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

// === Reloading into a running bot

/** What one reload attempt did. */
export type ReloadOutcome =
  | { ok: true; bundle: Bundle; warnings: Problem[] }
  | { ok: false; problems: Problem[] };

/**
 * Checks flows and locales under `root` again, as start-up does. When they are fine, builds a new
 * engine and renderer and swaps them into `conversations`; when not, leaves the running version alone.
 * Conversations in progress on a flow that changed start again politely (the engine checks the flow's hash).
 */
export function reloadInto(conversations: Conversations, root: string): ReloadOutcome {
  const outcome = loadForReload(root);
  if (!outcome.ok) return outcome;
  try {
    const translator = new Translator(outcome.bundle);
    const engine = new Engine(outcome.bundle, translator, conversations.engine.options);
    conversations.replaceEngine(engine, new Renderer(outcome.bundle, translator));
  } catch (err) {
    return { ok: false, problems: [unexpected(err)] };
  }
  return outcome;
}

/**
 * Loads flows and locales under `root` as start-up does. The warnings are all those `npm run check`
 * prints (the loader's and the checker's: untranslated or long texts, old contact dates...).
 */
export function loadForReload(root: string): ReloadOutcome {
  try {
    const { bundle, problems } = loadBundle({ root });
    if (!bundle) return { ok: false, problems: problems.filter((p) => p.severity === 'error') };
    const warnings = [...problems.filter((p) => p.severity === 'warning'), ...checkWarnings(bundle, { root })];
    return { ok: true, bundle, warnings };
  } catch (err) {
    return { ok: false, problems: [unexpected(err)] };
  }
}

function unexpected(err: unknown): Problem {
  const message = err instanceof Error ? err.message : String(err);
  return { severity: 'error', file: 'flows', line: 1, column: 1, message: `the files could not be loaded (${message})` };
}

/**
 * Words reload attempts for the terminal. Remembers the warnings it has shown (or that were there at
 * start), so a save prints only the warnings it brought, e.g. the button text just made too long.
 */
export class ReloadReporter {
  private readonly shown: Set<string>;

  constructor(warningsAtStart: readonly Problem[] = []) {
    this.shown = new Set(warningsAtStart.map(sameWarning));
  }

  /** The lines to print after one attempt. */
  describe(outcome: ReloadOutcome): string[] {
    if (!outcome.ok) {
      const { problems, notes } = withoutFollowOnErrors(outcome.problems);
      return [
        `not reloaded: ${count(outcome.problems.length, 'error')} in flows/ or locales/; the last good version keeps running`,
        ...problems.map(formatProblem),
        ...notes,
      ];
    }
    const all = outcome.warnings;
    const fresh = all.filter((w) => !this.shown.has(sameWarning(w)));
    this.shown.clear();
    for (const w of all) this.shown.add(sameWarning(w));
    const warned =
      all.length === 0
        ? ''
        : fresh.length > 0
          ? ` (${count(all.length, 'warning')}, ${fresh.length} of them new:)`
          : ` (${count(all.length, 'warning')}, none of them new; npm run check lists them)`;
    return [`reloaded flows and locales${warned}`, ...fresh.map(formatProblem)];
  }
}

/** A warning without its line: lines added above it in the same file do not make it new. */
function sameWarning(p: Problem): string {
  return `${p.file}: ${p.message}`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface LiveReloadOptions {
  root: string;
  conversations: Conversations;
  /** Where the "reloaded" and problem lines go; stderr by default, so the JSON chat on stdout stays clean. */
  print?: (line: string) => void;
  debounceMs?: number;
  /** Called after each attempt (tests, and channels that cache something from the bundle). */
  onReload?: (outcome: ReloadOutcome) => void;
}

/**
 * Live reload for development: when a flow or locale file changes, check it and swap it in, or
 * keep the last good version and print what is wrong. Never use it in production.
 */
export function startLiveReload(opts: LiveReloadOptions): Watching {
  const print = opts.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  // The warnings of the files as they are now (the running version): only new ones are printed later.
  const atStart = loadForReload(opts.root);
  const reporter = new ReloadReporter(atStart.ok ? atStart.warnings : []);
  return watchFlowFiles(
    opts.root,
    () => {
      const outcome = reloadInto(opts.conversations, opts.root);
      for (const line of reporter.describe(outcome)) print(line);
      opts.onReload?.(outcome);
    },
    opts.debounceMs,
  );
}
