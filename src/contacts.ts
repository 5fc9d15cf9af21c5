import type { Bundle } from './bundle.js';
import { CONTACT_WAYS, type ContactDef, type ContactWay } from './flow/schema.js';
import type { Assessment } from './scoring.js';

/** The contact that is always there, first: the emergency number. */
export const EMERGENCY_CONTACT = 'police_emergency';

const DAY_MS = 86_400_000;

/** The date a contact was last checked, as YYYY-MM-DD. */
export function verifiedOn(contact: ContactDef): string {
  return typeof contact.verified === 'string' ? contact.verified : contact.verified.toISOString().slice(0, 10);
}

/**
 * True when a contact may be shown on an urgent screen: checked on a primary source (`status:
 * confirmed`) no longer ago than `confirm_every_days`. Only such contacts (and always 999) are
 * shown to a worker in danger, in the quick list and with every error.
 */
export function isConfirmed(bundle: Bundle, id: string, now: number = Date.now()): boolean {
  const c = bundle.contacts.contacts[id];
  if (!c || c.status !== 'confirmed') return false;
  const age = now - verifiedMs(c);
  // A date in the future is a typo, not a confirmation.
  return age >= -DAY_MS && age <= bundle.contacts.confirm_every_days * DAY_MS;
}

/** The start of the day a contact was last checked (UTC), worked out once per contact loaded. */
function verifiedMs(contact: ContactDef): number {
  let ms = verifiedAt.get(contact);
  if (ms === undefined) verifiedAt.set(contact, (ms = Date.parse(`${verifiedOn(contact)}T00:00:00Z`)));
  return ms;
}
const verifiedAt = new WeakMap<ContactDef, number>();

/** True when a contact may be shown at all (an unverified one never is). */
export function isShowable(bundle: Bundle, id: string): boolean {
  const c = bundle.contacts.contacts[id];
  return c !== undefined && c.status !== 'unverified';
}

/** The ways to reach a contact for a speaker of `lang` (her language's own numbers first), in display order. */
export function contactWays(contact: ContactDef, lang: string | null): { way: ContactWay; number: string }[] {
  const own = lang ? contact.by_locale?.[lang] : undefined;
  const ways: { way: ContactWay; number: string }[] = [];
  for (const way of CONTACT_WAYS) {
    const number = own?.[way] ?? contact[way];
    if (number) ways.push({ way, number });
  }
  return ways;
}

/** 999 first, then the others without repeats; on an urgent screen only confirmed ones. */
function finish(bundle: Bundle, ids: readonly string[], urgent: boolean, now: number): string[] {
  const out = [EMERGENCY_CONTACT];
  for (const id of ids) {
    if (out.includes(id) || !isShowable(bundle, id)) continue;
    if (urgent && !isConfirmed(bundle, id, now)) continue;
    out.push(id);
  }
  return out.filter((id) => bundle.contacts.contacts[id] !== undefined);
}

/**
 * The contacts to show with a result, following `recommend` in flows/contacts.yaml:
 * always + by level + by each strong sign + by language, without repeats, at most `max`.
 * An urgent result shows only confirmed contacts.
 */
export function recommendContacts(bundle: Bundle, assessment: Assessment, lang: string, now: number = Date.now()): string[] {
  const r = bundle.contacts.recommend;
  const urgent = assessment.level === 'urgent';
  const language = finish(bundle, r.by_language[lang] ?? [], urgent, now).slice(1);
  const picked = finish(
    bundle,
    [...r.always, ...(r.by_level[assessment.level] ?? []), ...signsContacts(bundle, assessment, true), ...language],
    urgent,
    now,
  );
  const mustKeep = new Set([EMERGENCY_CONTACT, ...r.always]);
  // The language's consulate matters more than a third NGO: if over the limit, drop from the middle.
  while (picked.length > r.max) {
    const dropAt = picked.findLastIndex((id, i) => !mustKeep.has(id) && !language.includes(id) && i > 0);
    picked.splice(dropAt > 0 ? dropAt : picked.length - 1, 1);
  }
  return picked;
}

/**
 * The few contacts shown first with a result (`recommend.summary` of them): 999, then the ones for
 * her strongest signs, her language, and her level, taken from the full list. Confirmed numbers
 * come first: what she reads first must be the surest.
 */
export function summaryContacts(bundle: Bundle, assessment: Assessment, lang: string, full: readonly string[], now: number = Date.now()): string[] {
  const r = bundle.contacts.recommend;
  const order = [
    ...r.always,
    ...signsContacts(bundle, assessment, false),
    ...(r.by_language[lang] ?? []),
    ...(r.by_level[assessment.level] ?? []),
    ...full,
  ];
  const candidates: string[] = [];
  for (const id of order) if (full.includes(id) && id !== EMERGENCY_CONTACT && !candidates.includes(id)) candidates.push(id);
  const confirmed = candidates.filter((id) => isConfirmed(bundle, id, now));
  const others = candidates.filter((id) => !isConfirmed(bundle, id, now));
  return [EMERGENCY_CONTACT, ...confirmed, ...others].slice(0, Math.max(1, r.summary));
}

/** Contacts for the signs found (strong ones first; `withPossible` adds those for possible signs, e.g. RainLily after "I don't want to answer"). */
function signsContacts(bundle: Bundle, assessment: Assessment, withPossible: boolean): string[] {
  return assessment.indicators
    .filter((i) => withPossible || i.strength === 'strong')
    .flatMap((i) => bundle.contacts.recommend.by_indicator[i.id] ?? []);
}

/** The short list behind the "contacts" command and every error message, plus her consulate: confirmed ones only. */
export function quickContacts(bundle: Bundle, lang: string | null, now: number = Date.now()): string[] {
  const r = bundle.contacts.recommend;
  return finish(bundle, [...r.quick, ...(lang ? (r.by_language[lang] ?? []).slice(0, 1) : [])], true, now);
}

/** The contacts for an urgent screen: 999 first, then the given ones that are confirmed. */
export function urgentContacts(bundle: Bundle, ids: readonly string[], now: number = Date.now()): string[] {
  return finish(bundle, ids, true, now);
}
