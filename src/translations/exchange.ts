import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { js2xliff, jsToXliff12, xliff12ToJs, xliff2js, type XliffJs, type XliffUnit } from 'xliff';
import { isMap, isScalar, parseDocument, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { TWO_PER_ROW_MAX_WIDTH } from '../../bots/telegram/telegram-message.js';
import { INTERACTIVE_LIMITS } from '../../bots/whatsapp-cloud/interactive-question.js';
import { loadBundle, type Bundle } from '../bundle.js';
import { checkContentRules } from '../check/content-rules.js';
import {
  LOCALE_STATUS_FILE,
  localeSummaries,
  readStatusNotes,
  renderStatusMarkdown,
} from '../check/locale-status.js';
import {
  BUTTON_BUDGET,
  QUESTION_TEXT_BUDGET,
  shownKeys,
  tooWideButton,
  TEXT_BUDGET,
  textLength,
} from '../check/warnings.js';
import { BASE_LOCALE, pluralCategories, readLocales, type Locale } from '../locales.js';
import { didYouMean, formatProblem, type Problem } from '../problems.js';
import { chooseLanguages, loadLocales, recordFiles, TranslationsError, writeFilesTogether } from './mark.js';
import {
  readSourceRecord,
  sourceHash,
  textUnits,
  unitStatus,
  type TextStatus,
  type TextUnit,
} from './record.js';

/** `xliff` is XLIFF 1.2 (read by Poedit, Weblate, Crowdin, memoQ, OmegaT and most CAT tools), `xliff2` XLIFF 2.0. */
export type ExportFormat = 'xliff' | 'xliff2' | 'csv';
const FORMATS: readonly ExportFormat[] = ['xliff', 'xliff2', 'csv'];

/** The columns of the CSV file, in order. Import needs key, language, english and translation. */
const CSV_COLUMNS = ['key', 'language', 'where', 'limit', 'status', 'english', 'translation'] as const;

/** One text as a translator sees it. */
export interface ExportRow {
  key: string;
  where: string;
  limit: string;
  status: TextStatus;
  english: string;
  translation: string;
}

// === Export

/** Every text of a language with its English, where it is shown, its length limit and its status. */
export function exportRows(root: string, code: string): ExportRow[] {
  const { bundle, english, locale } = loadProject(root, code);
  const record = readSourceRecord(root, code);
  const places = whereShown(bundle);
  const { questionKeys, buttonKeys } = shownKeys(bundle);
  return textUnits(english, code).map((u) => {
    const comment = englishComment(english, u.englishKey);
    return {
      key: u.key,
      where: [places(u.key), comment].filter(Boolean).join('. '),
      limit: buttonKeys.has(u.key)
        ? `button. Telegram: about ${BUTTON_BUDGET} characters (a Chinese character counts as 2; two buttons share a row only up to ${TWO_PER_ROW_MAX_WIDTH}). WhatsApp: reply button title ${INTERACTIVE_LIMITS.buttonTitle}, list row title ${INTERACTIVE_LIMITS.rowTitle}, row description ${INTERACTIVE_LIMITS.rowDescription}`
        : questionKeys.has(u.key)
          ? `at most ${QUESTION_TEXT_BUDGET} characters (one phone screen)`
          : u.key.endsWith('.words')
            ? 'words separated by commas, no limit'
            : `at most ${TEXT_BUDGET} characters`,
      status: unitStatus(u, locale, record),
      english: u.english,
      translation: locale.keys.get(u.key)?.value ?? '',
    };
  });
}

/** Writes the export file of a language; returns its path and the number of texts. */
export function exportLanguage(
  root: string,
  opts: { lang: string | undefined; format: ExportFormat; out?: string },
): { path: string; count: number } {
  if (!FORMATS.includes(opts.format))
    throw new TranslationsError(`--format must be one of ${FORMATS.join(', ')} (got "${opts.format}")`);
  const { locales } = loadLocales(root);
  const [locale, ...more] = chooseLanguages(locales, opts.lang);
  if (!locale || more.length > 0) throw new TranslationsError('export one language at a time: --lang <code>');
  const rows = exportRows(root, locale.code);
  const text =
    opts.format === 'csv'
      ? toCsv(locale.code, rows)
      : toXliff(locale.code, rows, opts.format === 'xliff2' ? '2.0' : '1.2');
  const path = resolve(opts.out ?? `translations-${locale.code}.${opts.format === 'csv' ? 'csv' : 'xlf'}`);
  writeFileSync(path, text, 'utf8');
  return { path, count: rows.length };
}

/** CSV for Excel and Google Sheets: UTF-8 with a byte-order mark (so Excel reads the scripts right), one row per text. */
export function toCsv(code: string, rows: readonly ExportRow[]): string {
  return stringifyCsv(
    rows.map((r) => ({ ...r, language: code })),
    { header: true, bom: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows', quoted_string: true },
  );
}

export function toXliff(code: string, rows: readonly ExportRow[], version: '1.2' | '2.0'): string {
  const units: Record<string, XliffUnit> = {};
  for (const r of rows) {
    const unit: XliffUnit = {
      source: r.english,
      note: [`Where: ${r.where}`, `Limit: ${r.limit}`, `Status: ${r.status}`],
    };
    if (r.translation !== '') unit.target = r.translation;
    // Standard attributes: XLIFF 1.2 marks a reviewed text and a button's width; XLIFF 2.0 a button's
    // width with its size-restriction module (a CAT tool then warns while she types).
    const attrs: Record<string, string> = {};
    const button = r.limit.startsWith('button');
    if (version === '1.2') {
      if (r.status === 'reviewed') attrs.approved = 'yes';
      if (button) Object.assign(attrs, { maxwidth: String(BUTTON_BUDGET), 'size-unit': 'char' });
    } else if (button) attrs.sizeRestriction = String(BUTTON_BUDGET);
    if (Object.keys(attrs).length > 0) unit.additionalAttributes = attrs;
    units[r.key] = unit;
  }
  const js: XliffJs = { sourceLanguage: BASE_LOCALE, targetLanguage: code, resources: { messages: units } };
  let out = '';
  const done = (err: Error | null, xml: string) => {
    if (err) throw err;
    out = xml;
  };
  if (version === '1.2') jsToXliff12(js, { indent: '  ' }, done);
  else js2xliff(js, { indent: '  ' }, done);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${out}\n`;
}

/** Where a text appears, in words a translator understands. */
function whereShown(bundle: Bundle): (key: string) => string {
  const places = new Map<string, string[]>();
  const add = (key: string, what: string) => places.set(key, [...(places.get(key) ?? []), what]);
  for (const flow of bundle.flows.values()) {
    for (const step of flow.steps.values()) {
      if (step.type === 'question') {
        add(step.text, `question "${step.id}"`);
        for (const c of step.choices) {
          add(c.label, `answer button of the question "${step.id}"`);
          add(c.words ?? `words.${c.label}`, `typed answer "${c.id}" at the question "${step.id}"`);
        }
      } else if (step.type === 'message') add(step.text, `message "${step.id}"`);
      else if (step.type === 'result') add(step.text, 'result');
      else add(step.text, 'language menu (written in every language)');
    }
  }
  const byPrefix: [RegExp, string][] = [
    [/^language\.words$/, 'typed at the language menu to choose this language (comma-separated)'],
    [
      /^command\.[^.]+\.words$/,
      'command words, typed in any chat in any language: never a word she would type as an answer, never a word of a question',
    ],
    [
      /^words\./,
      'typed answers (comma-separated): never a command word, never a "cannot" word in a list several questions share',
    ],
    [/^indicator\.[^.]+\.name$/, 'result: the name of a sign'],
    [/^indicator\.[^.]+\.right$/, 'result: her right for that sign'],
    [/^contact\./, 'help numbers list'],
    [/^result\./, 'result'],
    [/^leaflet\./, 'printed leaflet'],
    [/^(nav|choice)\./, 'button'],
    [/^language\.name$/, 'her language in the language menu (button)'],
  ];
  return (key) => {
    const base = key.replace(/_(zero|one|two|few|many|other)$/, '');
    const found = places.get(key) ?? places.get(base);
    if (found)
      return found.slice(0, 3).join('; ') + (found.length > 3 ? ` and ${found.length - 3} more` : '');
    return byPrefix.find(([re]) => re.test(key))?.[1] ?? 'message';
  };
}

/** The comment written above a key in the English file (advice for translators), on one line. */
function englishComment(english: Locale, key: string): string {
  for (const path of [key.split('.'), [key]]) {
    const parent =
      path.length > 1 ? english.yaml.doc.getIn(path.slice(0, -1), true) : english.yaml.doc.contents;
    if (!isMap(parent)) continue;
    const i = parent.items.findIndex((p) => isScalar(p.key) && String(p.key.value) === path[path.length - 1]);
    if (i < 0) continue;
    const pair = parent.items[i]!;
    const own = isScalar(pair.key) ? pair.key.commentBefore : undefined;
    const comment = own ?? (i === 0 ? (parent as YAMLMap).commentBefore : undefined);
    return comment ? `English note: ${comment.replace(/\s*\n\s*/g, ' ').trim()}` : '';
  }
  return '';
}

function loadProject(root: string, code: string): { bundle: Bundle; english: Locale; locale: Locale } {
  const { bundle, problems } = loadBundle({ root });
  if (!bundle) {
    const errors = problems.filter((p) => p.severity === 'error').map(formatProblem);
    throw new TranslationsError(
      `the project has errors (npm run check); fix them first:\n${errors.join('\n')}`,
    );
  }
  const english = bundle.locales.find((l) => l.code === BASE_LOCALE)!;
  const locale = bundle.locales.find((l) => l.code === code);
  if (!locale) throw new TranslationsError(`there is no language "${code}" in locales/`);
  return { bundle, english, locale };
}

// === Import

/** One text read from a translator's file, with the line it is on. */
interface ImportedText {
  key: string;
  english: string;
  translation: string;
  /** Where it is in the file: "row 12" of a spreadsheet (the row number Excel and Sheets show), "line 130" of XLIFF. */
  place: string;
  language: string;
}

export interface ImportResult {
  ok: boolean;
  /** On refusal, one reason per line ("line 12: q.food.yes: ..."); otherwise what changed. */
  lines: string[];
  /** The keys whose text changed (empty when refused). */
  changed: string[];
}

/**
 * `npm run translations -- import <file>`: reads an XLIFF or CSV file made by `export`, checks every
 * text, and either writes all the changed texts of the language (messages.yaml, the record and
 * STATUS.md together) or nothing, with the reasons, line by line.
 */
export function importFile(root: string, file: string): ImportResult {
  if (!existsSync(file)) throw new TranslationsError(`there is no file ${file}`);
  const shownPath = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file);
  const raw = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  if (raw.includes('\uFFFD')) {
    throw new TranslationsError(
      'the file is not in UTF-8, so some letters are lost. In Excel use "Save as" > "CSV UTF-8 (Comma delimited)"; in Google Sheets "File" > "Download" > "CSV"',
    );
  }
  const texts = raw.trimStart().startsWith('<') ? readXliff(raw) : readCsv(raw);
  const refuse = (reasons: string[]): ImportResult => ({
    ok: false,
    changed: [],
    lines: [
      `${shownPath}: nothing was imported (${reasons.length} problem${reasons.length === 1 ? '' : 's'}):`,
      ...reasons.map((r) => `  ${r}`),
    ],
  });
  const languages = [...new Set(texts.map((t) => t.language))];
  if (languages.length !== 1)
    return refuse([
      `the file must hold one language; it holds ${languages.length === 0 ? 'none' : languages.join(', ')}`,
    ]);
  const code = languages[0]!;
  if (code === BASE_LOCALE)
    return refuse(['the file is for English, the source text: change English in locales/en/messages.yaml']);
  const { locales } = loadLocales(root);
  if (!locales.some((l) => l.code === code)) return refuse([`there is no language "${code}" in locales/`]);
  const { bundle, english, locale } = loadProject(root, code);
  const units = new Map(textUnits(english, code).map((u) => [u.key, u]));
  const { buttonKeys } = shownKeys(bundle);

  const reasons: string[] = [];
  const changes = new Map<string, { text: string; place: string }>();
  let unchanged = 0;
  let empty = 0;
  for (const t of texts) {
    const at = (msg: string) => reasons.push(`${t.place}: ${t.key}: ${msg}`);
    const u = units.get(t.key);
    if (!u) {
      at(unknownKeyReason(t.key, code, [...units.keys()]));
      continue;
    }
    const text = t.translation.replace(/\r\n?/g, '\n').trim();
    if (text === '') {
      empty++;
      continue;
    }
    if (text === (locale.keys.get(t.key)?.value ?? '').trim()) {
      unchanged++;
      continue;
    }
    if (t.english.replace(/\r\n?/g, '\n').trim() !== u.english.trim()) {
      at(
        'the English of this text changed after the file was exported: export the language again and translate the new English',
      );
      continue;
    }
    const problems = textProblems(u, text, buttonKeys.get(t.key));
    if (problems.length > 0) problems.forEach(at);
    else changes.set(t.key, { text, place: t.place });
  }
  if (changes.size === 0) {
    if (reasons.length > 0) return refuse(reasons);
    return {
      ok: true,
      changed: [],
      lines: [`${code}: no text changed (${unchanged} unchanged, ${empty} left empty); nothing written.`],
    };
  }

  // Try the new texts in a copy of the project: the bot's own checks (plural forms, typed-word
  // collisions, ...) must find nothing new.
  const newMessages = updatedYaml(locale, changes);
  const record = readSourceRecord(root, code);
  for (const key of changes.keys())
    record.set(key, { en: sourceHash(units.get(key)!.english), status: 'translated' });
  const order = [...units.keys()];
  const sources = recordFiles(root, code, record, order);
  const trial = mkdtempSync(join(tmpdir(), 'translations-import-'));
  try {
    for (const dir of ['flows', 'locales']) cpSync(join(root, dir), join(trial, dir), { recursive: true });
    writeFileSync(join(trial, locale.file), newMessages, 'utf8');
    writeFileSync(join(trial, 'locales', code, 'sources.yaml'), sources.text, 'utf8');
    const before = new Set(projectErrors(root).map((p) => p.message));
    const added = projectErrors(trial).filter((p) => !before.has(p.message));
    for (const p of added) {
      const key = [...changes.keys()].find((k) => p.message.includes(`"${k}"`));
      reasons.push(
        key ? `${changes.get(key)!.place}: ${key}: ${p.message}` : `${p.file}:${p.line}: ${p.message}`,
      );
    }
    if (reasons.length > 0) return refuse(sortedByLine(reasons));
    const { locales: trialLocales } = readLocales(trial);
    const status = renderStatusMarkdown(localeSummaries(trial, trialLocales), readStatusNotes(root));
    writeFilesTogether([
      { path: join(root, locale.file), text: newMessages },
      sources,
      { path: join(root, LOCALE_STATUS_FILE), text: status },
    ]);
  } finally {
    rmSync(trial, { recursive: true, force: true });
  }
  return {
    ok: true,
    changed: [...changes.keys()],
    lines: [
      `${code}: ${changes.size} text${changes.size === 1 ? '' : 's'} updated and recorded as translated from the current English: ${[...changes.keys()].join(', ')}`,
      `  (${unchanged} unchanged, ${empty} left empty.) Written: ${locale.file}, locales/${code}/sources.yaml, ${LOCALE_STATUS_FILE}.`,
    ],
  };
}

/** Reasons in the order of the file's lines ("line 12: ..." before "line 130: ..."). */
function sortedByLine(reasons: string[]): string[] {
  const n = (r: string) => Number(/^(?:line|row) (\d+):/.exec(r)?.[1] ?? Infinity);
  return [...reasons].sort((a, b) => n(a) - n(b));
}

function unknownKeyReason(key: string, code: string, known: string[]): string {
  const m = /^(.*)_(zero|one|two|few|many|other)$/.exec(key);
  if (m && known.some((k) => k.startsWith(`${m[1]}_`))) {
    return `${code} has no "${m[2]}" plural form; its forms are ${pluralCategories(code).join(', ')}. Remove this row`;
  }
  return `there is no such text in the bot.${didYouMean(key, known)} Do not change the key column`;
}

/** Placeholders ({{name}}, $t(key)) the bot fills in: a translation must keep each one the English has. */
function placeholders(text: string): Set<string> {
  return new Set(text.match(/\{\{\s*[\w.]+\s*\}\}|\$t\([^)]*\)/g)?.map((p) => p.replace(/\s+/g, '')) ?? []);
}

/**
 * What is wrong with one translated text, in words the translator can act on. `buttonNumber` is set
 * for a text shown on a button: the number the channels write before it ("2. ", or "" for the
 * navigation buttons), which counts towards the width.
 */
export function textProblems(u: TextUnit, text: string, buttonNumber: string | undefined): string[] {
  const problems: string[] = [];
  // A date pattern ({{day}} {{month}} {{year}}) is the language's own.
  if (u.key !== 'format.date') {
    const want = placeholders(u.english);
    const have = placeholders(text);
    const plural = /_(zero|one|two|few|many|other)$/.test(u.key);
    for (const p of want) {
      if (have.has(p) || (plural && p === '{{count}}' && !u.key.endsWith('_other'))) continue;
      problems.push(
        `the placeholder ${p} is missing; keep it exactly as in the English (the bot puts in the figure there)`,
      );
    }
    for (const p of have) {
      if (!want.has(p))
        problems.push(
          `${p} is not in the English, so the bot cannot fill it in; remove it or write it as in the English`,
        );
    }
  }
  const width = buttonNumber === undefined ? undefined : tooWideButton(text, buttonNumber);
  if (width !== undefined) {
    problems.push(
      `this answer button is ${width} characters wide${buttonNumber ? ` with the "${buttonNumber.trim()}" before it` : ''}; a phone shows about ${BUTTON_BUDGET} (a Chinese character counts as 2) and cuts the rest. Shorten it`,
    );
  } else if (textLength(text) > TEXT_BUDGET) {
    problems.push(
      `this text is ${textLength(text)} characters long; keep it under ${TEXT_BUDGET} so it reads well on a phone`,
    );
  }
  return problems;
}

/** The errors the bot and `npm run check` would report for a project folder. */
function projectErrors(root: string): Problem[] {
  const { bundle, problems } = loadBundle({ root });
  const content = bundle ? checkContentRules(bundle, { root, today: new Date() }) : [];
  return [...problems, ...content].filter((p) => p.severity === 'error');
}

/** The locale file with the changed texts, written with the yaml Document API: comments, order and quoting stay. */
function updatedYaml(locale: Locale, changes: ReadonlyMap<string, { text: string }>): string {
  const doc = parseDocument(
    locale.yaml.doc.toString({ lineWidth: 0, doubleQuotedMinMultiLineLength: 1e9 }),
  ) as Document;
  for (const [key, { text }] of changes) {
    const path = doc.hasIn(key.split('.')) ? key.split('.') : doc.hasIn([key]) ? [key] : key.split('.');
    const node = doc.getIn(path, true) as Node | undefined;
    if (isScalar(node)) (node as Scalar).value = text;
    else {
      doc.setIn(path, text);
      const made = doc.getIn(path, true);
      if (isScalar(made)) made.type = 'QUOTE_DOUBLE';
    }
  }
  return doc.toString({ lineWidth: 0, doubleQuotedMinMultiLineLength: 1e9 });
}

// === Reading the files

function readXliff(raw: string): ImportedText[] {
  const version = /<xliff\b[^>]*\bversion\s*=\s*["']([\d.]+)["']/.exec(raw)?.[1];
  if (!version) throw new TranslationsError('the file is neither XLIFF (no <xliff version="...">) nor CSV');
  let js: XliffJs | undefined;
  const done = (err: Error | null, result: XliffJs) => {
    if (err) throw new TranslationsError(`the XLIFF file cannot be read: ${err.message}`);
    js = result;
  };
  if (version.startsWith('1.')) xliff12ToJs(raw, {}, done);
  else xliff2js(raw, {}, done);
  if (!js) throw new TranslationsError('the XLIFF file cannot be read');
  const language = js.targetLanguage ?? '';
  const texts: ImportedText[] = [];
  for (const units of Object.values(js.resources ?? {})) {
    for (const [key, unit] of Object.entries(units)) {
      const id = `id="${key.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`;
      const offset = raw.indexOf(id);
      const line = offset < 0 ? 0 : raw.slice(0, offset).split('\n').length;
      texts.push({
        key,
        english: plain(unit.source),
        translation: plain(unit.target),
        place: `line ${line}`,
        language,
      });
    }
  }
  return texts;
}

/** Unit text as a string; inline markup (which the bot cannot show) is turned back into its characters. */
function plain(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(plain).join('');
  return '';
}

/** The column separator of the header row: Excel saves with ";" or a tab instead of "," in some countries' settings. */
function csvDelimiter(raw: string): string {
  const header = raw.split(/\r?\n/, 1)[0] ?? '';
  return [',', ';', '\t'].find((d) => header.includes(d)) ?? ',';
}

function readCsv(raw: string): ImportedText[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(raw, {
      bom: true,
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
      delimiter: csvDelimiter(raw),
    }) as typeof rows;
  } catch (err) {
    throw new TranslationsError(`the CSV file cannot be read: ${(err as Error).message}`);
  }
  const missing = ['key', 'language', 'english', 'translation'].filter(
    (c) => rows.length > 0 && !(c in rows[0]!),
  );
  if (missing.length > 0) {
    throw new TranslationsError(
      `the CSV file has no column ${missing.map((c) => `"${c}"`).join(', ')}: keep the first row of the exported file as it is`,
    );
  }
  return rows.map((record, i) => ({
    key: (record.key ?? '').trim(),
    english: record.english ?? '',
    translation: record.translation ?? '',
    // The header is row 1: this is the row number Excel and Google Sheets show.
    place: `row ${i + 2}`,
    language: (record.language ?? '').trim(),
  }));
}
