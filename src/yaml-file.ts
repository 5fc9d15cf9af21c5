import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { Problem } from './problems.js';

/** A parsed YAML file that can point at the line of any value inside it. */
export class YamlFile {
  private constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Reads and parses `absPath`; `file` is the name shown to maintainers. Syntax errors become problems. */
  static read(absPath: string, file: string): { yaml?: YamlFile; problems: Problem[] } {
    let text: string;
    try {
      text = readFileSync(absPath, 'utf8');
    } catch (err) {
      return {
        problems: [
          { severity: 'error', file, line: 1, column: 1, message: `cannot read the file (${(err as Error).message})` },
        ],
      };
    }
    return YamlFile.parse(text, file);
  }

  static parse(text: string, file: string): { yaml?: YamlFile; problems: Problem[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    // Only the first syntax error: the rest are usually echoes of it.
    const problems: Problem[] = doc.errors.slice(0, 1).map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { severity: 'error', file, line: pos.line, column: pos.col, message: plainYamlError(e.code, e.message) };
    });
    if (problems.length > 0) return { problems };
    return { yaml: new YamlFile(file, doc, lines), problems };
  }

  /** The plain JavaScript value of the whole file. */
  value(): unknown {
    return this.doc.toJS();
  }

  /** Line and column of the value at `path` (or of its nearest existing parent). */
  at(path: readonly (string | number)[]): { line: number; column: number } {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = this.lines.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return { line: 1, column: 1 };
  }

  /** Line and column of a mapping key (e.g. a step id), falling back to its value. */
  keyAt(path: readonly (string | number)[]): { line: number; column: number } {
    const parent = this.doc.getIn(path.slice(0, -1), true) as { items?: { key: unknown }[] } | undefined;
    const last = path[path.length - 1];
    const pair = parent?.items?.find((i) => isNode(i.key) && (i.key as { value?: unknown }).value === last);
    if (pair && isNode(pair.key) && pair.key.range) {
      const pos = this.lines.linePos(pair.key.range[0]);
      return { line: pos.line, column: pos.col };
    }
    return this.at(path);
  }

  problem(
    path: readonly (string | number)[],
    message: string,
    severity: Problem['severity'] = 'error',
    onKey = false,
  ): Problem {
    const pos = onKey ? this.keyAt(path) : this.at(path);
    return { severity, file: this.file, line: pos.line, column: pos.column, message };
  }
}

function plainYamlError(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'the same name is used twice here; every id must be unique';
  const first = message.split('\n')[0] ?? message;
  return `the file is not valid YAML here (check the indentation, the ":" after names and the "-" before list items): ${first}`;
}
