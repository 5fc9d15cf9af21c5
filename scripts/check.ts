import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/app.js';
import { runCheck } from '../src/check/run-check.js';

/**
 * `npm run check`: checks every flow and language exactly as the bot does when it starts, prints every
 * problem at once (file:line:column: error|warning: message) and exits 1 when there is an error.
 * `npm run check -- --root <folder>` checks another project folder (one with flows/ and locales/).
 */
const { values } = parseArgs({ options: { root: { type: 'string' } } });
const report = runCheck({ root: values.root ? resolve(values.root) : PROJECT_ROOT });
process.stdout.write(`${report.lines.join('\n')}\n`);
process.exitCode = report.exitCode;
