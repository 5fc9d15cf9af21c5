import type { Bundle } from './bundle.js';
import type { Assessment } from './scoring.js';

/**
 * The contacts to show with a result, following `recommend` in flows/contacts.yaml:
 * always + by level + by each strong sign + by language, without repeats, at most `max`.
 */
export function recommendContacts(bundle: Bundle, assessment: Assessment, lang: string): string[] {
  const r = bundle.contacts.recommend;
  const picked: string[] = [];
  const add = (ids: readonly string[] | undefined) => {
    for (const id of ids ?? []) if (!picked.includes(id)) picked.push(id);
  };
  add(r.always);
  add(r.by_level[assessment.level]);
  for (const ind of assessment.indicators) add(r.by_indicator[ind.id]);
  const mustKeep = new Set(picked.slice(0, r.always.length));
  add(r.by_language[lang]);
  // The language's consulate matters more than a third NGO: if over the limit, drop from the middle.
  while (picked.length > r.max) {
    const dropAt = picked.findLastIndex((id, i) => !mustKeep.has(id) && i < picked.length - (r.by_language[lang]?.length ?? 0));
    picked.splice(dropAt >= 0 ? dropAt : picked.length - 1, 1);
  }
  return picked;
}

/** The short list behind the "contacts" command and every error message, plus her consulate. */
export function quickContacts(bundle: Bundle, lang: string | null): string[] {
  const r = bundle.contacts.recommend;
  return [...new Set([...r.quick, ...(lang ? (r.by_language[lang] ?? []).slice(0, 1) : [])])];
}
