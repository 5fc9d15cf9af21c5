import type { Problem } from '../problems.js';

// === Errors that only follow from another one

/** A `next` (or `start`) naming a step that does not exist. */
const MISSING_STEP = /points to "[^"]*", which (does not exist|is not a step)/;

/** What a missing step brings with it: steps cut off from the start, and steps cut off from the result. */
const FOLLOW_ON = /^(step "[^"]*" cannot be reached from the start|from step "[^"]*" no path leads to a result step)/;

/** Said when the English file exists but cannot be read (its own error is the one to fix). */
const ENGLISH_MISSING = 'the English locale is missing';

/** The problems to print, and one note per file saying how many were left out. */
export interface WithoutFollowOn {
  problems: Problem[];
  notes: string[];
}

/**
 * Leaves out errors that only follow from another error in the same file, so the one line that
 * matters is not buried:
 * - a flow file that names a step that does not exist: one misspelt `next` cuts every later step off
 *   from the start and every earlier one off from the result, and start-up reports each of them;
 * - "the English locale is missing" when the English file is there but has an error of its own.
 * The counts stay true (the bot refuses to start either way); any that remain once the first error is
 * fixed are shown then.
 */
export function withoutFollowOnErrors(problems: readonly Problem[]): WithoutFollowOn {
  const errors = problems.filter((p) => p.severity === 'error');
  const brokenFlows = new Set(errors.filter((p) => MISSING_STEP.test(p.message)).map((p) => p.file));
  const brokenFiles = new Set(errors.filter((p) => p.message !== ENGLISH_MISSING).map((p) => p.file));
  const left = new Map<string, number>();
  const kept = problems.filter((p) => {
    if (p.severity !== 'error') return true;
    const followsOn =
      (brokenFlows.has(p.file) && FOLLOW_ON.test(p.message)) || (p.message === ENGLISH_MISSING && brokenFiles.has(p.file));
    if (!followsOn) return true;
    left.set(p.file, (left.get(p.file) ?? 0) + 1);
    return false;
  });
  const notes = [...left].map(([file, n]) => followOnNote(file, n, brokenFlows.has(file)));
  return { problems: kept, notes };
}

/** The line that stands for the errors left out of one file. */
function followOnNote(file: string, count: number, missingStep = true): string {
  if (!missingStep) {
    return `${file}: the English texts cannot be used until the error above is fixed (every other language is checked against them).`;
  }
  const errors = count === 1 ? '1 more error is' : `${count} more errors are`;
  return `${file}: ${errors} not shown: steps that cannot be reached, or from which no path leads to a result, because of the missing step named above. Fix that name first; any of these that remain are shown then.`;
}
