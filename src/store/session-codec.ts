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
 * After a turn, the ids of the messages just sent are added without writing the record again: one
 * line each, `\n[minute, [id, ...], live keyboard|0]`, after the record (JSON never holds a raw
 * line break). Reading applies them in order; the next turn writes the record whole again, with
 * them in it.
 */
const FORMAT = 2;
const ID = /^[A-Za-z0-9_-]+$/;

export function encodeRecord(record: SessionRecord): string {
  const s = record.s;
  const tail: unknown[] = [record.m ?? 0, record.k ?? 0, s.overlay ?? 0, s.campaign ?? 0];
  let n = tail.length;
  while (n > 0 && tail[n - 1] === 0) n--;
  // Written as JSON.stringify would write the whole array.
  let text = snapshotHead(s);
  for (let i = 0; i < n; i++) text += `,${JSON.stringify(tail[i])}`;
  return `${text}]`;
}

/**
 * The snapshot's part of the text (up to the last change, without the closing bracket). A turn
 * writes a record and then the same snapshot again with the ids of the messages just sent, so the
 * part is remembered per snapshot object, and used only while every field it holds is unchanged
 * (answers are compared as objects: a move makes new answers, it never changes them in place).
 * The last few are kept in a small ring, looked up by identity: cheaper than a WeakMap, whose
 * every insertion costs about as much as building the part again.
 * Built by hand, as JSON.stringify would build it: every string that is an id needs no escaping.
 */
interface Head {
  head: string;
  flow: string;
  ver: number;
  hash: string;
  step: string;
  answers: Record<string, string>;
  lang: string | null;
  started: number;
  updated: number;
}
const RING_SIZE = 64;
const ringOf: (Snapshot | undefined)[] = new Array<Snapshot | undefined>(RING_SIZE).fill(undefined);
const ringHead: (Head | undefined)[] = new Array<Head | undefined>(RING_SIZE).fill(undefined);
let ringAt = 0;

function snapshotHead(s: Snapshot): string {
  for (let i = 0; i < RING_SIZE; i++) {
    if (ringOf[i] === s && sameHead(ringHead[i]!, s)) return ringHead[i]!.head;
  }
  const head =
    `[${FORMAT},${jsonString(s.flow)},${JSON.stringify(s.ver)},${jsonString(s.hash)},${jsonString(s.step)},` +
    `${jsonAnswers(s.answers)},${s.lang == null ? 0 : jsonString(s.lang)},` +
    `"${s.started.toString(36)}","${(s.updated - s.started).toString(36)}"`;
  const { flow, ver, hash, step, answers, lang, started, updated } = s;
  ringOf[ringAt] = s;
  ringHead[ringAt] = { head, flow, ver, hash, step, answers, lang, started, updated };
  ringAt = (ringAt + 1) % RING_SIZE;
  return head;
}

function sameHead(a: Head, b: Snapshot): boolean {
  return (
    a.flow === b.flow &&
    a.ver === b.ver &&
    a.hash === b.hash &&
    a.step === b.step &&
    a.answers === b.answers &&
    a.lang === b.lang &&
    a.started === b.started &&
    a.updated === b.updated
  );
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

/** The string as JSON; an id as it is, in quotes. */
function jsonString(text: string): string {
  return isId(text) ? `"${text}"` : JSON.stringify(text);
}

/** "step=choice;step=choice" as JSON; the answers as a JSON object when an id has a character that would break that. */
function jsonAnswers(answers: Record<string, string>): string {
  const pairs: string[] = [];
  for (const k in answers) {
    const v = answers[k]!;
    if (!isId(k) || !isId(v)) return JSON.stringify(answers);
    pairs.push(`${k}=${v}`);
  }
  return `"${pairs.join(';')}"`;
}

/** Message ids sent in one minute, and the message that now shows the live answer buttons. */
export interface RecordAddition {
  minute: number;
  ids: readonly number[];
  k?: number;
}

/** The line an addition is kept as, after the record (see above). */
export function encodeAddition(a: RecordAddition): string {
  return `\n[${a.minute},[${a.ids.join(',')}],${a.k ?? 0}]`;
}

/**
 * The ids of an addition added to message-id groups: to the last group when it is of the same
 * minute, else as a new group. A new array; the groups given are not changed.
 */
export function addIds(m: readonly MessageIdGroup[] | undefined, minute: number, ids: readonly number[]): MessageIdGroup[] {
  const groups = m ? [...m] : [];
  if (ids.length === 0) return groups;
  const last = groups.at(-1);
  if (last && last[0] === minute) groups[groups.length - 1] = [...last, ...ids];
  else groups.push([minute, ...ids]);
  return groups;
}

/** The record kept as `text` (with any additions after it), in this format or the one before; throws on anything else. */
export function decodeRecord(text: string): SessionRecord {
  const lineEnd = text.indexOf('\n');
  if (lineEnd < 0) return decodeWhole(text);
  const record = decodeWhole(text.slice(0, lineEnd));
  for (const line of text.slice(lineEnd + 1).split('\n')) {
    const [minute, ids, k] = JSON.parse(line) as [number, number[], number];
    if (!Number.isInteger(minute) || !Array.isArray(ids) || !ids.every(Number.isInteger) || !Number.isInteger(k))
      throw new TypeError('not a session record addition');
    if (ids.length > 0) record.m = addIds(record.m, minute, ids);
    if (k) record.k = k;
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
