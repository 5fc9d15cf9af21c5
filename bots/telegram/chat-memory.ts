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
  /** One entry per chat, newest last (a turn touches one map entry, not one per kind of thing kept). */
  private readonly chats = new Map<string, ChatEntry>();

  constructor(
    private readonly maxChats = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The message whose answer buttons are still live in this chat. */
  liveKeyboard(ref: string): number | undefined {
    return this.chats.get(ref)?.live;
  }

  setLiveKeyboard(ref: string, messageId: number): void {
    this.touch(ref).live = messageId;
  }

  forgetLiveKeyboard(ref: string): void {
    const entry = this.chats.get(ref);
    if (entry) entry.live = undefined;
  }

  /** The language of her last good turn: the emergency reply uses it when the session cannot be read. */
  language(ref: string): string | undefined {
    return this.chats.get(ref)?.lang;
  }

  setLanguage(ref: string, lang: string | null): void {
    if (lang === null) this.forgetLanguage(ref);
    else this.touch(ref).lang = lang;
  }

  /** Forgets the chat's language (after an exit nothing of the conversation is kept). */
  forgetLanguage(ref: string): void {
    const entry = this.chats.get(ref);
    if (entry) entry.lang = undefined;
  }

  /** Ids of messages of this chat that no session holds. */
  addUnrecorded(ref: string, ids: readonly number[]): void {
    if (ids.length === 0) return;
    const entry = this.touch(ref);
    const at = this.now();
    for (const id of ids) {
      entry.unrecorded.push(id);
      entry.unrecordedAt.push(at);
    }
    trimFront(entry.unrecorded, entry.unrecordedAt, entry.unrecorded.length - IDS_PER_CHAT_MAX);
  }

  /**
   * Ids of every message of this chat this process sent or received, whether or not the session
   * holds them too: a quick exit while the store is down or frozen still erases the conversation
   * this process took part in (the session's copy cannot be read then).
   */
  addKnown(ref: string, ids: readonly number[]): void {
    if (ids.length === 0) return;
    const entry = this.touch(ref);
    const at = this.now();
    const since = at - DELETABLE_MS;
    let old = 0;
    while (old < entry.knownAt.length && entry.knownAt[old]! <= since) old++;
    trimFront(entry.known, entry.knownAt, old);
    for (const id of ids) {
      entry.known.push(id);
      entry.knownAt.push(at);
    }
    trimFront(entry.known, entry.knownAt, entry.known.length - KNOWN_PER_CHAT_MAX);
  }

  /** Hands over (and forgets) every id this process knows of for the chat, still deletable. */
  takeKnown(ref: string): number[] {
    const entry = this.chats.get(ref);
    if (!entry || entry.known.length === 0) return [];
    const since = this.now() - DELETABLE_MS;
    const ids = entry.known.filter((_, i) => entry.knownAt[i]! > since);
    entry.known = [];
    entry.knownAt = [];
    return ids;
  }

  /** Hands over (and forgets) the ids that no session holds, leaving out those too old to delete. */
  takeUnrecorded(ref: string): number[] {
    const entry = this.chats.get(ref);
    if (!entry || entry.unrecorded.length === 0) return [];
    const since = this.now() - DELETABLE_MS;
    const ids = entry.unrecorded.filter((_, i) => entry.unrecordedAt[i]! > since);
    entry.unrecorded = [];
    entry.unrecordedAt = [];
    return ids;
  }

  /** How many chats are remembered (at most `maxChats`). */
  get size(): number {
    return this.chats.size;
  }

  /**
   * The chat's entry, marked as used. When more than `maxChats` are kept, the chats longest unused
   * are forgotten: the oldest entry goes unless it was used since it last came round, in which case
   * it moves to the back once (a "second chance"). Nearly as good as strict least-recently-used
   * order, without moving the entry in the map at every message.
   */
  private touch(ref: string): ChatEntry {
    const entry = this.chats.get(ref);
    if (entry) {
      entry.used = true;
      return entry;
    }
    const fresh: ChatEntry = {
      used: false,
      live: undefined,
      lang: undefined,
      unrecorded: [],
      unrecordedAt: [],
      known: [],
      knownAt: [],
    };
    this.chats.set(ref, fresh);
    // Each chat moves to the back at most once per round (the new one too), so this ends.
    while (this.chats.size > Math.max(1, this.maxChats)) {
      const [oldest, kept] = this.chats.entries().next().value!;
      this.chats.delete(oldest);
      if (kept.used || oldest === ref) {
        kept.used = false;
        this.chats.set(oldest, kept);
      }
    }
    return fresh;
  }
}

/** What this process keeps of one chat. Ids and the times they were added, side by side. */
interface ChatEntry {
  /** Used since it last came round for eviction. */
  used: boolean;
  live: number | undefined;
  lang: string | undefined;
  unrecorded: number[];
  unrecordedAt: number[];
  known: number[];
  knownAt: number[];
}

/** Drops the first `count` ids (and their times), if any. */
function trimFront(ids: number[], at: number[], count: number): void {
  if (count <= 0) return;
  ids.splice(0, count);
  at.splice(0, count);
}
