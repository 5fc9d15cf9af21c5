import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/app.js';
import { runCheck } from '../src/check/run-check.js';

/**
 * `npm run check`: checks every flow and language exactly as the bot does when it starts, prints every
 * problem at once (file:line:column: error|warning: message) and exits 1 when there is an error.
 * `npm run check -- --root <folder>` checks another project folder (one with flows/ and locales/).
 * `npm run check -- --launch` (before printing leaflets) also fails while any contact a worker can see is unconfirmed.
 */
const { values } = parseArgs({ options: { root: { type: 'string' }, launch: { type: 'boolean' } } });
const report = runCheck({ root: values.root ? resolve(values.root) : PROJECT_ROOT, launch: values.launch ?? false });
process.stdout.write(`${report.lines.join('\n')}\n`);
if (values.launch) {
  process.stdout.write(
    report.exitCode === 0
      ? 'Launch check passed: every help number a worker can see is confirmed.\n'
      : 'Launch check FAILED: do not print leaflets until the errors above are fixed.\n',
  );
}
process.exitCode = report.exitCode;
