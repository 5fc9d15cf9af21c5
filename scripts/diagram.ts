import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/app.js';
import { diagramPaths, loadDiagramFlow, renderDiagrams } from '../src/check/diagram.js';
import { withoutFollowOnErrors } from '../src/check/follow-on.js';
import { formatProblem } from '../src/problems.js';

/**
 * `npm run diagram -- flows/self-assessment.yaml`: draws the flow as Mermaid text (flows/<name>.mmd)
 * and as a picture (docs/<name>.svg). Commit both: a test checks they match the flow.
 */
const { positionals } = parseArgs({ allowPositionals: true });
const flowFiles = positionals.length > 0 ? positionals : ['flows/self-assessment.yaml'];
for (const arg of flowFiles) {
  const file = relative(PROJECT_ROOT, resolve(arg)).replace(/\\/g, '/');
  const { flow, problems } = loadDiagramFlow(PROJECT_ROOT, file);
  if (!flow) {
    const shown = withoutFollowOnErrors(problems);
    const lines = [...shown.problems.map(formatProblem), ...shown.notes];
    process.stdout.write(`${lines.join('\n')}\nNo diagram made: fix ${file} first (npm run check lists every problem).\n`);
    process.exitCode = 1;
    continue;
  }
  const out = diagramPaths(file);
  const drawn = renderDiagrams(flow);
  for (const [path, text] of [
    [out.mermaid, drawn.mermaid],
    [out.svg, drawn.svg],
  ] as const) {
    mkdirSync(dirname(join(PROJECT_ROOT, path)), { recursive: true });
    writeFileSync(join(PROJECT_ROOT, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
