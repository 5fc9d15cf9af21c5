/** Telegram lets a bot delete the messages of a private chat for 48 hours. */
const DELETABLE_MS = 48 * 3600_000;
/** Ids kept per chat at most (a chat that keeps failing should not grow without end). */
const IDS_PER_CHAT_MAX = 200;
/** Ids of a whole conversation kept per chat at most: the longest assessment sends and receives about 100. */
const KNOWN_PER_CHAT_MAX = 300;

/**
 * What one bot process remembers about its chats between updates, beside the session: which
 * message shows the live answer buttons, the language of the last good turn, and the ids of messages no session holds (the neutral line
 * left after an exit, her message and the emergency reply of a turn that failed). Those ids are
 * handed to the session at the next good turn, or erased at the next exit, so that an exit leaves
 * at most one neutral line and nothing from a failed turn.
 *
 * Keyed by chat reference (a keyed hash, never the chat id); message ids say nothing about her.
 * In memory only, bounded (the oldest chats are forgotten first), and best effort: after a restart,
 * or on another instance, it is empty, and then only what the session recorded is erased.
 */
export class ChatMemory {
  private readonly live = new Map<string, number>();
  private readonly languages = new Map<string, string>();
  private readonly unrecorded = new Map<string, [id: number, at: number][]>();
  private readonly known = new Map<string, { ids: number[]; at: number[] }>();

  constructor(
    private readonly maxChats = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The message whose answer buttons are still live in this chat. */
  liveKeyboard(ref: string): number | undefined {
    return this.live.get(ref);
  }

  setLiveKeyboard(ref: string, messageId: number): void {
    bounded(this.live, ref, messageId, this.maxChats);
  }

  forgetLiveKeyboard(ref: string): void {
    this.live.delete(ref);
  }

  /** The language of her last good turn: the emergency reply uses it when the session cannot be read. */
  language(ref: string): string | undefined {
    return this.languages.get(ref);
  }

  setLanguage(ref: string, lang: string | null): void {
    if (lang === null) this.languages.delete(ref);
    else bounded(this.languages, ref, lang, this.maxChats);
  }

  /** Forgets the chat's language (after an exit nothing of the conversation is kept). */
  forgetLanguage(ref: string): void {
    this.languages.delete(ref);
  }

  /** Ids of messages of this chat that no session holds. */
  addUnrecorded(ref: string, ids: readonly number[]): void {
    if (ids.length === 0) return;
    const at = this.now();
    const kept = [...(this.unrecorded.get(ref) ?? []), ...ids.map((id): [number, number] => [id, at])];
    bounded(this.unrecorded, ref, kept.slice(-IDS_PER_CHAT_MAX), this.maxChats);
  }

  /**
   * Ids of every message of this chat this process sent or received, whether or not the session
   * holds them too: a quick exit while the store is down or frozen still erases the conversation
   * this process took part in (the session's copy cannot be read then).
   */
  addKnown(ref: string, ids: readonly number[]): void {
    if (ids.length === 0) return;
    const at = this.now();
    const since = at - DELETABLE_MS;
    const old = this.known.get(ref) ?? { ids: [], at: [] };
    const keep = old.at.findIndex((t) => t > since);
    const entry = keep < 0 ? { ids: [], at: [] } : { ids: old.ids.slice(keep), at: old.at.slice(keep) };
    for (const id of ids) {
      entry.ids.push(id);
      entry.at.push(at);
    }
    const over = entry.ids.length - KNOWN_PER_CHAT_MAX;
    if (over > 0) {
      entry.ids.splice(0, over);
      entry.at.splice(0, over);
    }
    bounded(this.known, ref, entry, this.maxChats);
  }

  /** Hands over (and forgets) every id this process knows of for the chat, still deletable. */
  takeKnown(ref: string): number[] {
    const entry = this.known.get(ref);
    this.known.delete(ref);
    if (!entry) return [];
    const since = this.now() - DELETABLE_MS;
    return entry.ids.filter((_, i) => entry.at[i]! > since);
  }

  /** Hands over (and forgets) the ids that no session holds, leaving out those too old to delete. */
  takeUnrecorded(ref: string): number[] {
    const kept = this.unrecorded.get(ref) ?? [];
    this.unrecorded.delete(ref);
    const since = this.now() - DELETABLE_MS;
    return kept.filter(([, at]) => at > since).map(([id]) => id);
  }
}

/** Sets `key` as the newest entry, dropping the oldest beyond `max`. */
function bounded<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
}
