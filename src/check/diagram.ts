import { basename, join } from 'node:path';
import { loadBundle } from '../bundle.js';
import { flowSchema, indicatorsSchema, type Dimension } from '../flow/schema.js';
import type { Problem } from '../problems.js';
import { YamlFile } from '../yaml-file.js';
import { drawFlowSvg } from './diagram-svg.js';
import { diagramFlowOf, edgesOf, type DiagramChoice, type DiagramFlow, type DiagramStep } from './flow-graph.js';

// === Loading

/** Where `npm run diagram` writes the drawings of a flow file. */
export function diagramPaths(flowFile: string): { mermaid: string; svg: string } {
  const name = basename(flowFile).replace(/\.ya?ml$/, '');
  return { mermaid: `flows/${name}.mmd`, svg: `docs/${name}.svg` };
}

/**
 * Reads a flow file and flows/indicators.yaml for drawing. Refuses (with the checker's messages) a flow
 * that the bot would refuse; problems elsewhere (a missing translation) do not stop the drawing.
 */
export function loadDiagramFlow(root: string, flowFile: string): { flow?: DiagramFlow; problems: Problem[] } {
  const file = flowFile.replace(/\\/g, '/').replace(/^\.\//, '');
  const { yaml, problems } = YamlFile.read(join(root, file), file);
  if (!yaml) return { problems };
  const parsed = flowSchema.safeParse(yaml.value());
  const ownErrors = loadBundle({ root }).problems.filter((p) => p.file === file && p.severity === 'error');
  if (!parsed.success || ownErrors.length > 0) {
    return {
      problems: ownErrors.length > 0 ? ownErrors : [{ severity: 'error', file, line: 1, column: 1, message: 'this is not a flow file' }],
    };
  }
  const dimensions = new Map<string, Dimension>();
  const indicators = YamlFile.read(join(root, 'flows', 'indicators.yaml'), 'flows/indicators.yaml').yaml;
  const checked = indicators ? indicatorsSchema.safeParse(indicators.value()) : undefined;
  for (const [id, v] of Object.entries(checked?.success ? checked.data.indicators : {})) dimensions.set(id, v.dimension);
  return { flow: diagramFlowOf(parsed.data, file, dimensions), problems: [] };
}

/** The Mermaid text and the SVG drawing of a flow, exactly as `npm run diagram` writes them. */
export function renderDiagrams(flow: DiagramFlow): { mermaid: string; svg: string } {
  return { mermaid: flowToMermaid(flow), svg: drawFlowSvg(flow) };
}

// === Mermaid

const MERMAID_RESERVED = new Set(['end', 'graph', 'subgraph', 'flowchart', 'style', 'class', 'classDef', 'click', 'linkStyle', 'default']);

/**
 * A Mermaid flowchart of the flow: steps as boxes, choices as labelled arrows with the signs each
 * choice signals ("?" = possible), urgent answers as red arrows through a red "emergency help" box.
 */
export function flowToMermaid(flow: DiagramFlow): string {
  const stepIds = new Set(flow.steps.map((s) => s.id));
  const node = (id: string) => (MERMAID_RESERVED.has(id) || /^[ox]/i.test(id) ? `step_${id}` : id);
  const lines = [
    `%% The flow "${flow.id}" (version ${flow.version}), drawn from ${flow.file}.`,
    `%% Made by \`npm run diagram -- ${flow.file}\`: do not edit by hand, run it again after changing the flow.`,
    '%% Arrows are labelled with the choices that take them and the signs each choice signals (? = possible).',
    'flowchart TD',
  ];
  const shapes: Record<DiagramStep['type'], [string, string]> = {
    language: ['[/', '/]'],
    message: ['[', ']'],
    question: ['(', ')'],
    result: ['([', '])'],
  };
  const kind: Record<DiagramStep['type'], string> = {
    language: 'language choice',
    message: 'message',
    question: 'question',
    result: 'result',
  };
  for (const s of flow.steps) {
    const [open, close] = shapes[s.type];
    const start = s.id === flow.start ? 'start: ' : '';
    lines.push(`  ${node(s.id)}${open}"${start}${s.id}<br/><i>${kind[s.type]}</i>"${close}`);
  }

  const links: string[] = [];
  const urgentLinks: number[] = [];
  const urgentNodes: string[] = [];
  for (const s of flow.steps) {
    for (const edge of edgesOf(s)) {
      const plain = edge.choices.filter((c) => !c.urgent);
      if (edge.choices.length === 0) links.push(`  ${node(s.id)} --> ${node(edge.to)}`);
      else if (plain.length > 0) links.push(`  ${node(s.id)} -->|"${plain.map(choiceLabel).join('<br/>')}"| ${node(edge.to)}`);
      for (const c of edge.choices.filter((x) => x.urgent)) {
        let help = `urgent__${s.id}__${c.id}`;
        while (stepIds.has(help)) help += '_';
        const contacts = c.contacts.length > 0 ? `<br/>${c.contacts.join(', ')}` : '';
        lines.push(`  ${help}{{"⚠ emergency help at once${contacts}"}}`);
        urgentNodes.push(help);
        urgentLinks.push(links.length);
        links.push(`  ${node(s.id)} ==>|"⚠ ${choiceLabel(c)}"| ${help}`);
        links.push(`  ${help} -.->|"continue"| ${node(edge.to)}`);
      }
    }
  }
  lines.push(...links);

  lines.push(
    '  classDef language fill:#e8f4ea,stroke:#4b8b5a',
    '  classDef message fill:#f4f4f4,stroke:#888888',
    '  classDef question fill:#eaf0fa,stroke:#4a6fa5',
    '  classDef result fill:#dff0d8,stroke:#2e7d32,stroke-width:2px',
    '  classDef urgent fill:#fde2e1,stroke:#c62828,color:#8e0000',
  );
  for (const type of ['language', 'message', 'question', 'result'] as const) {
    const ids = flow.steps.filter((s) => s.type === type).map((s) => node(s.id));
    if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${type}`);
  }
  if (urgentNodes.length > 0) lines.push(`  class ${urgentNodes.join(',')} urgent`);
  if (urgentLinks.length > 0) lines.push(`  linkStyle ${urgentLinks.join(',')} stroke:#c62828,stroke-width:3px,color:#c62828`);
  return `${lines.join('\n')}\n`;
}

function choiceLabel(c: DiagramChoice): string {
  if (c.signals.length === 0) return c.id;
  return `${c.id}: ${c.signals.map((x) => (x.strength === 'possible' ? `${x.id}?` : x.id)).join(', ')}`;
}
