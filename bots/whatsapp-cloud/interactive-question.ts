import type { RenderedMessage } from '../../src/render.js';
import { choiceCallbackData, navCallbackData } from '../shared/callback-data.js';
import { formatForWhatsApp, splitLongText } from '../whatsapp-common/format-for-whatsapp.js';
import type { GraphMessage } from './graph-api.js';

/** Meta's limits for interactive messages, in characters. */
export const INTERACTIVE_LIMITS = {
  buttons: 3,
  buttonTitle: 20,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  listButton: 20,
  body: 1024,
} as const;

type Question = Extract<RenderedMessage, { type: 'question' }>;

/** What a question needs to become an interactive message (the checker builds it from the locales). */
export type QuestionTexts = Pick<Question, 'id' | 'text' | 'hint' | 'nav'> & {
  choices: readonly { id: string; label: string }[];
};

/** A text that fits no interactive form, and the limit it breaks. */
export interface FormProblem {
  /** `choice` (with its index), `nav` (with its index), `body` (the question text and hint), `list_button`, `choices` (too many). */
  what: 'choice' | 'nav' | 'body' | 'list_button' | 'choices';
  index?: number;
  length: number;
  limit: number;
}

export type QuestionForm =
  { kind: 'buttons' | 'list'; message: GraphMessage } | { kind: 'none'; problems: FormProblem[] };

/** Length as Meta counts it: characters (code points), not UTF-16 units. */
export function charCount(text: string): number {
  return [...text].length;
}

/** The first characters of `text` that fit `max`, with "…" when cut. */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * A question as a WhatsApp interactive message. Up to three short answers become reply buttons
 * (one tap), with the help numbers as a further button when a slot is left (a yes/no question);
 * exit, and the help numbers beside three answers, stay one typed word away, as the hint line in
 * the body says. Otherwise a list: one row per answer, then rows for the help numbers and exit (left out
 * only when the answers alone fill the ten rows; the hint still names their words). A row title
 * is "n. label"; a label too long for it is cut there and given whole as the row's description.
 * Typed numbers and words keep working either way. `kind: 'none'` lists what is too long: the
 * channel then sends the numbered text instead, and `npm run check` names the text to shorten.
 */
export function questionForm(q: QuestionTexts, listButton: string): QuestionForm {
  const L = INTERACTIVE_LIMITS;
  const body = `${q.text}\n\n${q.hint}`;
  const problems: FormProblem[] = [];
  if (charCount(body) > L.body) problems.push({ what: 'body', length: charCount(body), limit: L.body });

  const short = q.choices.length <= L.buttons && q.choices.every((c) => charCount(c.label) <= L.buttonTitle);
  if (short && problems.length === 0) {
    // Numbered like the list rows and the typed answers ("1. Yes") when every title still fits.
    const numbered = q.choices.map((c, i) => `${i + 1}. ${c.label}`);
    const titles = numbered.every((t) => charCount(t) <= L.buttonTitle)
      ? numbered
      : q.choices.map((c) => c.label);
    const buttons = q.choices.map((c, i) => ({
      type: 'reply',
      reply: { id: choiceCallbackData(q.id, c.id), title: titles[i]! },
    }));
    // A spare slot carries the help numbers, so help stays one tap away. Exit stays a typed word
    // here: a button beside "Yes" and "No" must never end her chat by a slip of the finger.
    const help = q.nav.find((n) => n.id === 'contacts');
    if (help && buttons.length < L.buttons && charCount(help.label) <= L.buttonTitle)
      buttons.push({ type: 'reply', reply: { id: navCallbackData(help.id), title: help.label } });
    return {
      kind: 'buttons',
      message: interactive({ type: 'button', body: { text: body }, action: { buttons } }),
    };
  }

  if (charCount(listButton) > L.listButton)
    problems.push({ what: 'list_button', length: charCount(listButton), limit: L.listButton });
  if (q.choices.length > L.rows) problems.push({ what: 'choices', length: q.choices.length, limit: L.rows });
  const row = (id: string, label: string, prefix: string, what: 'choice' | 'nav', index: number) => {
    const title = `${prefix}${label}`;
    if (charCount(title) <= L.rowTitle) return { id, title };
    if (charCount(label) > L.rowDescription)
      problems.push({ what, index, length: charCount(label), limit: L.rowDescription });
    return { id, title: cut(title, L.rowTitle), description: cut(label, L.rowDescription) };
  };
  const rows = q.choices.map((c, i) =>
    row(choiceCallbackData(q.id, c.id), c.label, `${i + 1}. `, 'choice', i),
  );
  const nav = q.nav
    .map((n, i) => ({ n, i }))
    .filter(({ n }) => !q.choices.some((c) => c.id === n.id))
    .map(({ n, i }) => row(navCallbackData(n.id), n.label, '', 'nav', i));
  if (rows.length + nav.length <= L.rows) rows.push(...nav);
  if (problems.length > 0) return { kind: 'none', problems };
  return {
    kind: 'list',
    message: interactive({
      type: 'list',
      body: { text: body },
      action: { button: listButton, sections: [{ rows }] },
    }),
  };
}

function interactive(interactive: unknown): GraphMessage {
  return { type: 'interactive', interactive };
}

/**
 * One rendered message as Cloud API messages: a question as an interactive message when it fits
 * (else the numbered text every WhatsApp channel uses), anything else as text, split if long.
 */
export function renderForCloud(m: RenderedMessage, listButton: string): GraphMessage[] {
  if (m.type === 'question') {
    const form = questionForm(m, listButton);
    if (form.kind !== 'none') return [form.message];
  }
  return renderAsText(m);
}

/** One rendered message as plain Cloud API texts: a question as the numbered list of every WhatsApp channel. */
export function renderAsText(m: RenderedMessage): GraphMessage[] {
  return splitLongText(formatForWhatsApp(m)).map((body) => ({
    type: 'text',
    text: { body, preview_url: false },
  }));
}
