import { loadBundle } from '../bundle.js';
import { formatProblem, type Problem } from '../problems.js';
import { withoutFollowOnErrors } from './follow-on.js';
import { formatLocaleStatus, LOCALE_STATUS_FILE, readLocaleStatus } from './locale-status.js';
import { checkContentRules } from './content-rules.js';
import { checkWarnings } from './warnings.js';

/** What `npm run check` found, and the lines it prints. */
export interface CheckReport {
  /** Every problem: the loader's (exactly as start-up finds them, follow-on errors too), then the extra warnings. */
  problems: Problem[];
  errors: number;
  warnings: number;
  /**
   * The whole output, one line per entry; the last line is the summary. Errors that only follow from a
   * missing step (see follow-on.ts) are counted but stand as one note line.
   */
  lines: string[];
  /** 1 when the bot would refuse to start. */
  exitCode: 0 | 1;
}

/**
 * Checks every flow and locale under `root` as start-up does, adds the soft warnings, and
 * words the result for a maintainer: errors first, then warnings, then a summary.
 */
export function runCheck(opts: { root: string; today?: Date; launch?: boolean }): CheckReport {
  const { bundle, problems: loaded } = loadBundle({ root: opts.root });
  const status = readLocaleStatus(opts.root);
  const today = opts.today ?? new Date();
  const extra = bundle ? checkWarnings(bundle, { root: opts.root }) : [];
  // The content rules (contacts on urgent screens, typed words, figures) can fail the check too.
  const content = bundle ? checkContentRules(bundle, { root: opts.root, today, launch: opts.launch }) : [];
  extra.push(...content.filter((p) => p.severity === 'warning'));
  if (bundle && status) {
    for (const code of bundle.localeCodes) {
      if (status.some((r) => r.code === code)) continue;
      extra.push({
        severity: 'warning',
        file: LOCALE_STATUS_FILE,
        line: 1,
        column: 1,
        message: `the language "${code}" has no row in the translation status table. Add one, e.g. "| ${code} | <its name> | not yet reviewed by a native speaker | | |"`,
      });
    }
  }
  const startErrors = loaded.filter((p) => p.severity === 'error');
  const errors = [...startErrors, ...sortedByPlace(content.filter((p) => p.severity === 'error'))];
  const warnings = [...loaded.filter((p) => p.severity === 'warning'), ...sortedByPlace(extra)];
  // One misspelt step name makes every step after it unreachable: print the name, and count the rest.
  const shown = withoutFollowOnErrors(errors);
  const lines = [...shown.problems.map(formatProblem), ...shown.notes, ...warnings.map(formatProblem)];

  if (!bundle && errors.length > 0) {
    lines.push('More checks (untranslated and long texts, unused indicators, old contact dates) run once the errors are fixed.');
  }
  if (status && status.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push(`Translation review status (${LOCALE_STATUS_FILE}):`, ...formatLocaleStatus(status).map((l) => `  ${l}`));
  }
  if (lines.length > 0) lines.push('');
  if (bundle) {
    const flows = [...bundle.flows.keys()];
    lines.push(
      `Checked ${count(flows.length, 'flow')} (${flows.join(', ')}) in ${count(bundle.localeCodes.length, 'language')} (${bundle.localeCodes.join(', ')}).`,
    );
  }
  lines.push(summary(errors.length, warnings.length, startErrors.length > 0));
  return {
    problems: [...errors, ...warnings],
    errors: errors.length,
    warnings: warnings.length,
    lines,
    exitCode: errors.length > 0 ? 1 : 0,
  };
}

function summary(errors: number, warnings: number, stopsStart: boolean): string {
  if (errors > 0 && stopsStart) {
    return `${count(errors, 'error')} and ${count(warnings, 'warning')}. Fix the errors: the bot will not start until they are fixed.`;
  }
  if (errors > 0) {
    return `${count(errors, 'error')} and ${count(warnings, 'warning')}. Fix the errors before workers see these texts: each one can mislead a worker (the bot still starts).`;
  }
  if (warnings > 0) return `No errors and ${count(warnings, 'warning')}. The bot can start; please read the warnings.`;
  return 'No errors and no warnings. The bot can start.';
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function sortedByPlace(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
}
