import type { Snapshot } from '../engine.js';
import type { MessageIdGroup, SessionRecord } from './session-store.js';

/*
 * How a session record is kept as text (Redis and the memory store alike): a JSON array with the
 * fields in a fixed order, no field names, the answers as "step=choice;step=choice" (ids are made
 * of letters, digits, "_" and "-"), times in base 36, the last change as milliseconds since the
 * start, and empty optional fields left off the end:
 *
 *   [2, flow, flow version, flow hash, step, answers, lang|0, started, updated - started, m|0, k|0, overlay|0, campaign|0]
 *
 * About 40 % smaller than the record's own JSON. Records written before (a JSON object, `{"s":...}`)
 * are still read as they are, so a deploy does not end the conversations in progress; they are
 * rewritten in this form at their next turn.
 *
 * Between whole writes, a change is added as one short line after the record (JSON never holds a
 * raw line break), so that a turn sends a few dozen bytes, not the whole session:
 *
 *   \n<field> <field> ...    fields: s<step>  a<step>=<choice>  u<updated, base 36>
 *                                   l<lang> (l alone: none)  o<overlay> (o alone: none)
 *                                   c (campaign dropped)  m<minute>,<id>,<id>...  k<id> (k alone: none)
 *
 * Reading applies the lines in order. Every value in a line is an id (letters, digits, "_", "-"),
 * so a space never appears inside one; a change that cannot be written so (a new flow, answers
 * dropped, old message ids to forget) is a whole write instead, and so is every change once a
 * record has CHANGE_LINES_MAX lines, which keeps a whole assessment's session under 1 KB in Redis.
 */
const FORMAT = 2;
const ID = /^[A-Za-z0-9_-]+$/;

export function encodeRecord(record: SessionRecord): string {
  const s = record.s;
  const fields: unknown[] = [
    FORMAT,
    s.flow,
    s.ver,
    s.hash,
    s.step,
    joinAnswers(s.answers),
    s.lang ?? 0,
    s.started.toString(36),
    (s.updated - s.started).toString(36),
    record.m ?? 0,
    record.k ?? 0,
    s.overlay ?? 0,
    s.campaign ?? 0,
  ];
  while (fields.length > 9 && fields.at(-1) === 0) fields.pop();
  return JSON.stringify(fields);
}

/** Strings seen to be ids (flow, step and choice ids, language codes): a small set, checked once each. */
const ids = new Set<string>();
const IDS_MAX = 4096;

function isId(text: string): boolean {
  if (ids.has(text)) return true;
  if (!ID.test(text)) return false;
  if (ids.size >= IDS_MAX) ids.clear();
  ids.add(text);
  return true;
}

/** "step=choice;step=choice"; the answers as an object when an id has a character that would break that. */
function joinAnswers(answers: Record<string, string>): string | Record<string, string> {
  const pairs: string[] = [];
  for (const k in answers) {
    const v = answers[k]!;
    if (!isId(k) || !isId(v)) return answers;
    pairs.push(`${k}=${v}`);
  }
  return pairs.join(';');
}

/** A record with this many change lines or more is written whole at its next change. */
export const CHANGE_LINES_MAX = 8;

/**
 * A change to a stored record, written as one line (see above). Only what changed is given:
 * snapshot fields, answers added or changed (never removed), message ids to add, the live keyboard.
 */
export interface RecordChange {
  step?: string;
  answers?: Record<string, string>;
  updated?: number;
  /** The language now (null: none). */
  lang?: string | null;
  /** The overlay now (null: none any more). */
  overlay?: Snapshot['overlay'] | null;
  /** The campaign code is dropped (once counted). */
  dropCampaign?: true;
  /** Message ids sent in `minute`, to add. */
  ids?: { minute: number; ids: readonly number[] };
  /** The message that now shows the live answer buttons (null: none). */
  k?: number | null;
}

/**
 * The line a change is kept as (with the line break before it). A text that is not an id would
 * break the line: refused with a TypeError, so nothing is written (snapshotChange never gives one).
 */
export function encodeChange(change: RecordChange): string {
  // Built as one string (no array of fields): a line is written at almost every turn.
  let line = '\n';
  let sep = '';
  if (change.step !== undefined) {
    line += `s${idOf(change.step)}`;
    sep = ' ';
  }
  if (change.answers) {
    for (const k in change.answers) {
      line += `${sep}a${idOf(k)}=${idOf(change.answers[k]!)}`;
      sep = ' ';
    }
  }
  if (change.updated !== undefined) {
    line += `${sep}u${change.updated.toString(36)}`;
    sep = ' ';
  }
  if (change.lang !== undefined) {
    line += `${sep}l${change.lang === null ? '' : idOf(change.lang)}`;
    sep = ' ';
  }
  if (change.overlay !== undefined) {
    line += `${sep}o${change.overlay === null ? '' : idOf(change.overlay)}`;
    sep = ' ';
  }
  if (change.dropCampaign) {
    line += `${sep}c`;
    sep = ' ';
  }
  if (change.ids && change.ids.ids.length > 0) {
    line += `${sep}m${change.ids.minute}`;
    for (const id of change.ids.ids) line += `,${id}`;
    sep = ' ';
  }
  if (change.k !== undefined) line += `${sep}k${change.k ?? ''}`;
  return line;
}

/**
 * How `after` differs from `before` as a line-sized change of its snapshot, or null when it cannot
 * be one (another flow or start, answers dropped, a value that is not an id): then write it whole.
 */
export function snapshotChange(before: Snapshot, after: Snapshot): RecordChange | null {
  if (after.flow !== before.flow || after.ver !== before.ver || after.hash !== before.hash) return null;
  if (after.started !== before.started || after.v !== before.v) return null;
  if (after.campaign !== undefined && after.campaign !== before.campaign) return null;
  const change: RecordChange = {};
  if (after.step !== before.step) {
    if (!isId(after.step)) return null;
    change.step = after.step;
  }
  if (after.answers !== before.answers) {
    let kept = 0;
    let changed: Record<string, string> | undefined;
    for (const k in after.answers) {
      const v = after.answers[k]!;
      // Answers are strings: undefined means not answered before.
      const was = before.answers[k];
      if (was !== undefined) kept++;
      if (was === v) continue;
      if (!isId(k) || !isId(v)) return null;
      (changed ??= {})[k] = v;
    }
    // An answer dropped (a restart): not a change a line can say.
    let had = 0;
    for (const _ in before.answers) had++;
    if (kept !== had) return null;
    if (changed) change.answers = changed;
  }
  if (after.updated !== before.updated) change.updated = after.updated;
  if (after.lang !== before.lang) {
    if (after.lang !== null && !isId(after.lang)) return null;
    change.lang = after.lang;
  }
  if (after.overlay !== before.overlay) change.overlay = after.overlay ?? null;
  if (before.campaign !== undefined && after.campaign === undefined) change.dropCampaign = true;
  return change;
}

/**
 * The ids added to message-id groups: to the last group when it is of the same minute, else as a
 * new group. A new array; the groups given are not changed.
 */
export function addIds(m: readonly MessageIdGroup[] | undefined, minute: number, ids: readonly number[]): MessageIdGroup[] {
  const groups = m ? [...m] : [];
  if (ids.length === 0) return groups;
  const last = groups.at(-1);
  if (last && last[0] === minute) groups[groups.length - 1] = [...last, ...ids];
  else groups.push([minute, ...ids]);
  return groups;
}

/** The record with one change applied (a new object; the record given is not changed). */
export function applyChange(record: SessionRecord, change: RecordChange): SessionRecord {
  const s: Snapshot = { ...record.s };
  if (change.step !== undefined) s.step = change.step;
  if (change.answers) s.answers = { ...s.answers, ...change.answers };
  if (change.updated !== undefined) s.updated = change.updated;
  if (change.lang !== undefined) s.lang = change.lang;
  if (change.overlay === null) delete s.overlay;
  else if (change.overlay !== undefined) s.overlay = change.overlay;
  if (change.dropCampaign) delete s.campaign;
  const next: SessionRecord = { s };
  const m = change.ids ? addIds(record.m, change.ids.minute, change.ids.ids) : record.m;
  if (m && m.length > 0) next.m = m;
  const k = change.k === undefined ? record.k : change.k;
  if (k !== null && k !== undefined) next.k = k;
  return next;
}

/** A change line (without its line break) read back; throws on anything that is not one. */
function decodeChange(line: string): RecordChange {
  const change: RecordChange = {};
  for (const field of line.split(' ')) {
    const value = field.slice(1);
    switch (field[0]) {
      case 's':
        change.step = idOf(value);
        break;
      case 'a': {
        const at = value.indexOf('=');
        if (at <= 0) throw new TypeError('not a session record change');
        (change.answers ??= {})[idOf(value.slice(0, at))] = idOf(value.slice(at + 1));
        break;
      }
      case 'u':
        change.updated = wholeNumber(parseInt(value, 36));
        break;
      case 'l':
        change.lang = value === '' ? null : idOf(value);
        break;
      case 'o':
        change.overlay = value === '' ? null : (idOf(value) as Snapshot['overlay']);
        break;
      case 'c':
        change.dropCampaign = true;
        break;
      case 'm': {
        const [minute, ...ids] = value.split(',').map((n) => wholeNumber(Number(n)));
        change.ids = { minute: minute!, ids };
        break;
      }
      case 'k':
        change.k = value === '' ? null : wholeNumber(Number(value));
        break;
      default:
        throw new TypeError('not a session record change');
    }
  }
  return change;
}

/** The text when it is an id; else a TypeError (it cannot be part of a change line). */
function idOf(text: string): string {
  if (!isId(text)) throw new TypeError('not a session record change');
  return text;
}

function wholeNumber(n: number): number {
  if (!Number.isSafeInteger(n)) throw new TypeError('not a session record change');
  return n;
}

/** How many change lines follow the whole record in `text`. */
export function changeLines(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/** The record kept as `text` (with any change lines after it), in this format or the one before; throws on anything else. */
export function decodeRecord(text: string): SessionRecord {
  const lineEnd = text.indexOf('\n');
  if (lineEnd < 0) return decodeWhole(text);
  let record = decodeWhole(text.slice(0, lineEnd));
  for (const line of text.slice(lineEnd + 1).split('\n')) {
    // An empty line is a write that changed nothing (it renewed the TTL).
    if (line !== '') record = applyChange(record, decodeChange(line));
  }
  return record;
}

function decodeWhole(text: string): SessionRecord {
  const value = JSON.parse(text) as unknown;
  if (!Array.isArray(value)) {
    if (value && typeof value === 'object' && 's' in value) return value as SessionRecord; // the format before
    throw new TypeError('not a session record');
  }
  const [format, flow, ver, hash, step, answers, lang, started36, since36, m, k, overlay, campaign] =
    value as [
      number,
      string,
      number,
      string,
      string,
      string | Record<string, string>,
      string | 0,
      string,
      string,
      MessageIdGroup[] | 0 | undefined,
      number | 0 | undefined,
      Snapshot['overlay'] | 0 | undefined,
      string | 0 | undefined,
    ];
  if (format !== FORMAT) throw new TypeError('unknown session record format');
  const started = parseInt(started36, 36);
  const s: Snapshot = {
    v: 1,
    flow,
    ver,
    hash,
    step,
    answers: typeof answers === 'string' ? splitAnswers(answers) : answers,
    lang: lang === 0 ? null : lang,
    ...(overlay ? { overlay } : {}),
    ...(campaign ? { campaign } : {}),
    started,
    updated: started + parseInt(since36, 36),
  };
  const record: SessionRecord = { s };
  if (m) record.m = m;
  if (k) record.k = k;
  return record;
}

function splitAnswers(text: string): Record<string, string> {
  const answers: Record<string, string> = {};
  if (text === '') return answers;
  for (const pair of text.split(';')) {
    const at = pair.indexOf('=');
    answers[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return answers;
}
