import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isNode, isScalar, isSeq, visit, type Document, type ErrorCode, type YAMLError } from 'yaml';
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
          { severity: 'error', file, line: 1, column: 1, message: `cannot read the file (${unreadable((err as NodeJS.ErrnoException).code)})` },
        ],
      };
    }
    return YamlFile.parse(text, file);
  }

  static parse(text: string, file: string): { yaml?: YamlFile; problems: Problem[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    // Only the first syntax error: the rest are usually echoes of it. Worded for a maintainer, never in
    // the YAML library's own words.
    const problems: Problem[] = doc.errors.slice(0, 1).map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { severity: 'error', file, line: pos.line, column: pos.col, message: plainYamlError(e, doc, lines) };
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

  /**
   * In the set of names at `path` (e.g. a flow's `steps`): a name with nothing under it followed by
   * field names (`type`, `text`...) at its own level, i.e. a step whose lines are not indented.
   */
  notIndented(path: readonly (string | number)[]): Problem[] {
    const map = this.doc.getIn(path, true);
    if (!isMap(map)) return [];
    const problems: Problem[] = [];
    map.items.forEach((pair, i) => {
      if (
        !isScalar(pair.key) ||
        !(pair.value === null || (isScalar(pair.value) && pair.value.value === null))
      )
        return;
      const fields: string[] = [];
      for (const next of map.items.slice(i + 1)) {
        if (!isScalar(next.key) || !FIELD_NAMES.has(String(next.key.value))) break;
        fields.push(`"${String(next.key.value)}"`);
      }
      if (fields.length === 0) return;
      const name = String(pair.key.value);
      problems.push(
        this.problem(
          [...path, name],
          `"${name}" has nothing under it, and the lines after it (${fields.join(', ')}) stand beside it: they are probably not indented enough. Indent them two spaces more than "${name}"`,
          'error',
          true,
        ),
      );
    });
    return problems;
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

/** Why a file cannot be read, in plain words (not the system's error text). */
function unreadable(code: string | undefined): string {
  if (code === 'ENOENT') return 'it is missing: restore it, e.g. from git';
  if (code === 'EACCES' || code === 'EPERM') return 'no permission to read it: check who owns the file';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return `the system refused to open it${code ? `: ${code}` : ''}`;
}

/** Field names of flow steps and choices: written twice at one level, they are a step or choice indented wrongly. */
const FIELD_NAMES = new Set([
  'type',
  'text',
  'next',
  'choices',
  'languages',
  'id',
  'label',
  'words',
  'signals',
  'urgent',
  'contacts',
]);

const INDENTATION =
  'Indent with spaces only: every name of one level starts in the same column, and what belongs to a name is indented two spaces more than it';

/** What each syntax error of the yaml library means, in a maintainer's words (every code the library has). */
const YAML_ERRORS: Record<ErrorCode, (message: string) => string> = {
  BAD_INDENT: (m) =>
    m.startsWith('Flow sequence')
      ? 'a list that starts with "[" is not closed with "]" on the same line. Close it, or write the list with one "- " line per item'
      : `this line is not indented like the lines around it. ${INDENTATION}`,
  TAB_AS_INDENT: () => 'this line is indented with a tab. YAML needs spaces: replace the tab with spaces',
  MISSING_CHAR: (m) =>
    /quote/i.test(m)
      ? 'a quoted text is not closed: end it with the same quote mark it starts with (" or \')'
      : /map values/.test(m)
        ? `a name here has no ":" after it, or a list item ("- ") is not indented like the ones above it. ${INDENTATION}`
        : 'a closing quote, "]" or "}" is missing here',
  BLOCK_AS_IMPLICIT_KEY: (m) =>
    m.startsWith('A block sequence')
      ? 'this list item ("- ") is not indented like the items above it: start every "- " of one list in the same column'
      : 'this line has a second ": " after the name, or the next line is indented too far and reads as part of it. Put a text that contains ": " in double quotes ("..."); start each name on its own line, in the same column as the names beside it',
  MULTILINE_IMPLICIT_KEY: () =>
    `a name here has no ":" after it, or the line is not indented as it should be. Write "name: text". ${INDENTATION}`,
  UNEXPECTED_TOKEN: () =>
    'there is more after a quoted text, or after "{...}" or "[...]". Put the whole text in double quotes ("..."); inside single quotes write an apostrophe twice (\'it\'\'s\')',
  BAD_SCALAR_START: () =>
    'a text cannot start with @, `, %, | or > unless it is in quotes: put the whole text in double quotes ("...")',
  BAD_DQ_ESCAPE: () =>
    'a backslash (\\) in a "..." text starts an unknown escape. Write \\\\ for a backslash, or use single quotes',
  DUPLICATE_KEY: () => 'the same name is used twice at one level; every name must be unique',
  MULTIPLE_DOCS: () =>
    'a line "---" or "..." starts a second document. A flow or locale file is one document: remove that line',
  KEY_OVER_1024_CHARS: () =>
    'a name here is longer than 1024 characters: a ":" after a name is probably missing',
  BLOCK_IN_FLOW: () =>
    'a list or set written with "[...]" or "{...}" cannot go on over indented lines: write it on one line, or as "- " lines',
  BAD_ALIAS: specialCharacter,
  ALIAS_PROPS: specialCharacter,
  MULTIPLE_ANCHORS: specialCharacter,
  MULTIPLE_TAGS: specialCharacter,
  BAD_PROP_ORDER: specialCharacter,
  TAG_RESOLVE_FAILED: specialCharacter,
  BAD_DIRECTIVE: () => 'a line starting with "%" is not allowed here: put the text in quotes',
  NON_STRING_KEY: () =>
    'a name here is not plain text (a list or set is used as a name): check the indentation and the ":" after each name',
  BAD_COLLECTION_TYPE: () => `a list and a set of names are mixed at one level here. ${INDENTATION}`,
  IMPOSSIBLE: () =>
    `the file cannot be read as YAML here. ${INDENTATION}; put texts with special characters in double quotes`,
  RESOURCE_EXHAUSTION: () => 'the file uses too many "*" references: write the texts out instead',
};

function specialCharacter(): string {
  return 'a text here starts with "&", "*" or "!", which mean something else in YAML: put the whole text in double quotes ("...")';
}

/** A YAML syntax error as one plain sentence: what is wrong on that line and how to fix it. */
function plainYamlError(e: YAMLError, doc: Document, lines: LineCounter): string {
  if (e.code === 'DUPLICATE_KEY') return duplicateName(e.pos[0], doc, lines);
  return (YAML_ERRORS[e.code] ?? YAML_ERRORS.IMPOSSIBLE)(e.message);
}

/**
 * A name written twice at one level. When the level also has a name with nothing under it (a step
 * whose lines are not indented), or the repeated name is a field of a step, it is an indentation
 * mistake and is said so; otherwise two things really have the same name.
 */
function duplicateName(offset: number, doc: Document, lines: LineCounter): string {
  // The library points near the repeated name, not always at it: take the repeat closest to that place.
  let found:
    | {
        name: string;
        first: number;
        sections: boolean;
        empty?: { name: string; line: number };
        list?: { name: string; column: number };
        off: number;
      }
    | undefined;
  const lineOf = (n: unknown) => (isNode(n) && n.range ? lines.linePos(n.range[0]).line : 0);
  visit(doc, {
    Map(_key, map) {
      map.items.forEach((pair, at) => {
        if (!isScalar(pair.key) || !pair.key.range) return;
        const name = String(pair.key.value);
        const firstAt = map.items.findIndex(
          (p, i) => i < at && isScalar(p.key) && String(p.key.value) === name,
        );
        const first = map.items[firstAt];
        const off = Math.abs(pair.key.range[0] - offset);
        if (!first || (found && found.off <= off)) return;
        // The last name before the repeat with nothing under it: its lines are probably the ones not indented.
        const empty = map.items
          .slice(0, at)
          .reverse()
          .find(
            (p) => isScalar(p.key) && (p.value === null || (isScalar(p.value) && p.value.value === null)),
          );
        found = {
          name,
          first: lineOf(first.key),
          sections: isMap(first.value) && isMap(pair.value),
          empty: empty
            ? { name: String((empty.key as { value: unknown }).value), line: lineOf(empty.key) }
            : undefined,
          list: listBetween(map.items.slice(firstAt + 1, at), lines),
          off,
        };
      });
      return undefined;
    },
  });
  if (!found) return YAML_ERRORS.DUPLICATE_KEY('');
  const { name, first, empty, list, sections } = found;
  const twice = `"${name}" is written twice at the same level (first on line ${first})`;
  if (empty) {
    return `${twice}: the lines under "${empty.name}" (line ${empty.line}) are probably not indented enough. Indent them two spaces more than "${empty.name}"`;
  }
  if (sections) {
    return `${twice}, each time with lines under it. If both are meant as one, move the lines of the second into the first and remove the second "${name}:" line; if they are two different things, give one of them another name`;
  }
  if (list) {
    return `${twice}: this one is probably meant for the last item of "${list.name}" above it. Indent it to column ${list.column}, like the other lines of that item`;
  }
  if (FIELD_NAMES.has(name)) {
    return `${twice}: a step or choice above is probably not indented as it should be. ${INDENTATION}`;
  }
  return `${twice}; every name at one level must be unique. Rename or remove one of them`;
}

/** The last list of names ("choices: - id: ...") among these pairs, and the column its last item's names start in. */
function listBetween(
  pairs: readonly { key: unknown; value: unknown }[],
  lines: LineCounter,
): { name: string; column: number } | undefined {
  for (const pair of [...pairs].reverse()) {
    if (!isSeq(pair.value) || !isScalar(pair.key)) continue;
    const item = pair.value.items.at(-1);
    const key = isMap(item) ? item.items[0]?.key : undefined;
    if (!isNode(key) || !key.range) continue;
    return { name: String(pair.key.value), column: lines.linePos(key.range[0]).col };
  }
  return undefined;
}
