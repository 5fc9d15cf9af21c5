import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/app.js';
import { diagramPaths, flowToMermaid, loadDiagramFlow, renderDiagrams } from '../../src/check/diagram.js';
import { formatProblem } from '../../src/problems.js';
import { fixtureRoot } from '../helpers/fixture-root.js';

const SHIPPED = 'flows/self-assessment.yaml';
const BASE = readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'broken', 'base.yaml'), 'utf8');

describe('the committed diagram', () => {
  it('matches flows/self-assessment.yaml (else run npm run diagram)', () => {
    const { flow, problems } = loadDiagramFlow(PROJECT_ROOT, SHIPPED);
    expect(problems.map(formatProblem)).toEqual([]);
    const drawn = renderDiagrams(flow!);
    const paths = diagramPaths(SHIPPED);
    expect(paths).toEqual({ mermaid: 'flows/self-assessment.mmd', svg: 'docs/self-assessment.svg' });
    const stale = `is out of date: run npm run diagram -- ${SHIPPED} and commit the result`;
    expect(readFileSync(join(PROJECT_ROOT, paths.mermaid), 'utf8') === drawn.mermaid, `${paths.mermaid} ${stale}`).toBe(true);
    expect(readFileSync(join(PROJECT_ROOT, paths.svg), 'utf8') === drawn.svg, `${paths.svg} ${stale}`).toBe(true);
  });

  it('shows every step of the shipped flow, and the README shows the picture', () => {
    const { flow } = loadDiagramFlow(PROJECT_ROOT, SHIPPED);
    const { mermaid, svg } = renderDiagrams(flow!);
    for (const step of flow!.steps) {
      expect(mermaid).toContain(`"${step.id === flow!.start ? 'start: ' : ''}${step.id}<br/>`);
      expect(svg).toContain(`<tspan font-weight="bold">${step.id}</tspan>`);
    }
    expect(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')).toContain('(docs/self-assessment.svg)');
  });
});

describe('drawing a flow', () => {
  const urgentFlow = BASE.replace(
    '        signals: [retention_of_documents]',
    '        signals: { retention_of_documents: strong, deception: possible }\n' +
      '        urgent: true\n        contacts: [police_emergency]\n' +
      '      - id: other\n        label: answer.not_sure\n        next: language',
  );

  it('writes Mermaid with labelled arrows, signs and urgent answers in red', () => {
    const { flow, problems } = loadDiagramFlow(fixtureRoot(urgentFlow), SHIPPED);
    expect(problems).toEqual([]);
    expect(flowToMermaid(flow!)).toBe(
      [
        '%% The flow "self-assessment" (version 1), drawn from flows/self-assessment.yaml.',
        '%% Made by `npm run diagram -- flows/self-assessment.yaml`: do not edit by hand, run it again after changing the flow.',
        '%% Arrows are labelled with the choices that take them and the signs each choice signals (? = possible).',
        'flowchart TD',
        '  language[/"start: language<br/><i>language choice</i>"/]',
        '  passport("passport<br/><i>question</i>")',
        '  result(["result<br/><i>result</i>"])',
        '  urgent__passport__employer{{"⚠ emergency help at once<br/>police_emergency"}}',
        '  language --> passport',
        '  passport -->|"self"| result',
        '  passport ==>|"⚠ employer: retention_of_documents, deception?"| urgent__passport__employer',
        '  urgent__passport__employer -.->|"continue"| result',
        '  passport -->|"other"| language',
        '  classDef language fill:#e8f4ea,stroke:#4b8b5a',
        '  classDef message fill:#f4f4f4,stroke:#888888',
        '  classDef question fill:#eaf0fa,stroke:#4a6fa5',
        '  classDef result fill:#dff0d8,stroke:#2e7d32,stroke-width:2px',
        '  classDef urgent fill:#fde2e1,stroke:#c62828,color:#8e0000',
        '  class language language',
        '  class passport question',
        '  class result result',
        '  class urgent__passport__employer urgent',
        '  linkStyle 2 stroke:#c62828,stroke-width:3px,color:#c62828',
        '',
      ].join('\n'),
    );
  });

  it('draws loops as dashed arrows, signs in their dimension colour, and the same bytes every time', () => {
    const { flow } = loadDiagramFlow(fixtureRoot(urgentFlow), SHIPPED);
    const svg = renderDiagrams(flow!).svg;
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
    expect(svg).toContain('stroke-dasharray="5 4"');
    // retention_of_documents is a coercion sign (purple); deception, only possible here, is involuntary (blue, italic).
    expect(svg).toContain('<tspan fill="#8e3ca8">retention_of_documents,</tspan>');
    expect(svg).toContain('<tspan fill="#1f5fa8" font-style="italic">deception?</tspan>');
    expect(svg).toContain('⚠ shows emergency help at once');
    expect(renderDiagrams(loadDiagramFlow(fixtureRoot(urgentFlow), SHIPPED).flow!).svg).toBe(svg);
  });

  it('refuses a flow the bot would refuse, with the checker messages', () => {
    const broken = BASE.replace('next: result\n    choices', 'next: reslt\n    choices');
    const { flow, problems } = loadDiagramFlow(fixtureRoot(broken), SHIPPED);
    expect(flow).toBeUndefined();
    expect(problems.map(formatProblem)).toContain(
      'flows/self-assessment.yaml:14:11: error: step "passport" points to "reslt", which does not exist. Did you mean "result"?',
    );
  });
});
