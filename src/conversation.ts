import type { Engine, Input, Intent, TurnEvent, TurnResult } from './engine.js';
import { KeyedQueue } from './keyed-queue.js';
import { addIds, CHANGE_LINES_MAX, snapshotChange, type RecordChange } from './store/session-codec.js';
import type { Logger } from './log.js';
import type { RenderedMessage, Renderer } from './render.js';
import type { MessageIdGroup, SessionRecord, SessionStore, SwapResult, Versioned } from './store/session-store.js';

/** Telegram can delete messages for 48 hours; ids older than that are useless and are dropped. */
export const MESSAGE_ID_MAX_AGE_S = 48 * 3600;
const MAX_CAS_ATTEMPTS = 5;
/** Exits whose session could not be wiped, retried in the background: at most this many at once. */
const PENDING_EXITS_MAX = 10_000;
/** The first retry of such a wipe, doubling up to the last. */
const EXIT_RETRY_FIRST_MS = 1000;
const EXIT_RETRY_MAX_MS = 60_000;
/** Chats whose last written session (and its version) this process keeps, at most: about 1 KB each. */
export const LAST_WRITTEN_MAX = 10_000;

/** An exit whose session could not be wiped yet. */
interface PendingExit {
  /** Until when retrying makes sense: the session expires by itself then. */
  until: number;
  delayMs: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** What a channel gets back for one incoming message. */
export interface TurnOutcome {
  /** The language to render platform chrome in (buttons, notices). */
  lang: string | null;
  messages: RenderedMessage[];
  /** True when the user asked to exit: the session is wiped, `deleteMessageIds` lists what to erase. */
  exit: boolean;
  /** Ids of this chat's messages (remembered by the channel) to delete on exit. */
  deleteMessageIds: number[];
  /** True when the turn failed and the user got the fail-safe message. */
  failed: boolean;
  /** Anonymous events for counting. */
  events: TurnEvent[];
  /** The message whose answer buttons were live before this turn (kept in the session, shared by every instance). */
  liveKeyboard?: number;
}

/** Receives anonymous events (see src/stats). Failures here never reach the user. */
export type EventSink = (event: TurnEvent, channel: string) => Promise<void> | void;

export interface ConversationsOptions {
  engine: Engine;
  renderer: Renderer;
  store: SessionStore;
  ttlSeconds: number;
  logger: Logger;
  onEvent?: EventSink;
  now?: () => number;
  /** How many chats' last written session to keep in this process (default LAST_WRITTEN_MAX; 0: none). */
  lastWrittenMax?: number;
}

/**
 * Runs one turn for one chat: load the session, run the engine, save with compare-and-set, render.
 * Turns of the same chat run one after another in this process; compare-and-set protects across
 * processes. If anything fails, nothing is written and the user gets the emergency contacts.
 */
export class Conversations {
  private readonly queue = new KeyedQueue();
  private readonly now: () => number;
  /**
   * Chats that asked to exit while the store failed (down, frozen, refusing writes): their session
   * could not be wiped. The wipe is retried in the background until it succeeds or the session has
   * expired by itself, and meanwhile a message from that chat starts a new conversation: never a
   * return to the old answers. Keyed by chat reference (a keyed hash).
   */
  private readonly pendingExits = new Map<string, PendingExit>();

  /**
   * Each live chat's session as this process last wrote or read it, with its version: a turn runs on
   * it and writes with compare-and-set at once (one round trip). It is never trusted on its own: a
   * write based on it succeeds only when nobody (another instance) wrote since, else the store hands
   * back what it holds and the turn runs again on that; a turn that writes nothing reads the version
   * first. Bounded: the chats used longest ago are forgotten first (nearly: see `remember`).
   */
  private readonly lastWritten = new Map<string, Known>();
  private readonly lastWrittenMax: number;

  constructor(private readonly o: ConversationsOptions) {
    this.now = o.now ?? Date.now;
    this.lastWrittenMax = o.lastWrittenMax ?? LAST_WRITTEN_MAX;
  }

  /** The engine and renderer in use (they change when flows are reloaded). */
  get engine(): Engine {
    return this.o.engine;
  }

  get renderer(): Renderer {
    return this.o.renderer;
  }

  /** True while an exit of this chat still waits for its session to be wiped. */
  exitPending(chatRef: string): boolean {
    return this.pendingExits.has(chatRef);
  }

  /**
   * At shutdown, before the store closes: one last try at every pending wipe, then the retries stop.
   * What still cannot be wiped expires with its TTL (it holds nothing that names her).
   */
  async flushPendingExits(): Promise<void> {
    await Promise.allSettled([...this.pendingExits.keys()].map((ref) => this.wipeAfterExit(ref)));
    this.stopRetries();
  }

  /** Stops the background retries; what was not wiped expires with its TTL. */
  stopRetries(): void {
    for (const p of this.pendingExits.values()) clearTimeout(p.timer);
    this.pendingExits.clear();
  }

  private markExitPending(chatRef: string): void {
    if (this.pendingExits.has(chatRef)) return;
    if (this.pendingExits.size >= PENDING_EXITS_MAX) {
      const [oldest, p] = this.pendingExits.entries().next().value!;
      clearTimeout(p.timer);
      this.pendingExits.delete(oldest);
    }
    const pending: PendingExit = { until: this.now() + this.o.ttlSeconds * 1000, delayMs: EXIT_RETRY_FIRST_MS };
    this.pendingExits.set(chatRef, pending);
    this.scheduleExitRetry(chatRef, pending);
  }

  private scheduleExitRetry(chatRef: string, pending: PendingExit): void {
    pending.timer = setTimeout(() => {
      void this.serialise(chatRef, async () => {
        if (this.pendingExits.get(chatRef) !== pending) return;
        if (await this.wipeAfterExit(chatRef)) return;
        if (this.now() >= pending.until) {
          this.pendingExits.delete(chatRef);
          return;
        }
        pending.delayMs = Math.min(pending.delayMs * 2, EXIT_RETRY_MAX_MS);
        this.scheduleExitRetry(chatRef, pending);
      });
    }, pending.delayMs);
    pending.timer.unref?.();
  }

  /** Tries the wipe of an exit again; true (and no longer pending) once the session is gone. */
  private async wipeAfterExit(chatRef: string): Promise<boolean> {
    try {
      await this.o.store.delete(chatRef);
    } catch {
      return false;
    }
    const pending = this.pendingExits.get(chatRef);
    clearTimeout(pending?.timer);
    this.pendingExits.delete(chatRef);
    this.o.logger.info('exit: the session was wiped once the store answered again');
    return true;
  }

  /** Swaps in a newly loaded and checked engine (live reload); turns in flight finish on the old one. */
  replaceEngine(engine: Engine, renderer: Renderer): void {
    this.o.engine = engine;
    this.o.renderer = renderer;
  }

  /**
   * Handles one input for `chatRef` (a keyed hash, never a raw id). `incomingMessageId` is the user's
   * message id on channels that can delete it later (Telegram). `langHint` renders the fail-safe
   * message when the session cannot be read.
   */
  handle(
    chatRef: string,
    input: Input,
    opts: { channel: string; incomingMessageId?: number; langHint?: string | null } = { channel: 'unknown' },
  ): Promise<TurnOutcome> {
    return this.serialise(chatRef, () => this.runTurn(chatRef, input, opts));
  }

  /**
   * Runs `task` as the only work on this chat in this process: other turns, recorded ids and the
   * background wipe after an exit wait for it. A channel that must also keep its own sending in
   * order (Telegram) runs a whole update this way and, inside it, uses `handleExclusive` and
   * `rememberMessagesExclusive`, which do not queue again.
   */
  exclusive<T>(chatRef: string, task: () => Promise<T>): Promise<T> {
    return this.serialise(chatRef, task);
  }

  /** `handle`, for a caller inside `exclusive(chatRef, ...)`. */
  handleExclusive(
    chatRef: string,
    input: Input,
    opts: { channel: string; incomingMessageId?: number; langHint?: string | null },
  ): Promise<TurnOutcome> {
    return this.runTurn(chatRef, input, opts);
  }

  /**
   * Adds the ids of messages the bot just sent, so quick exit can delete them, and (Telegram) the
   * message whose answer buttons are now live, so the next turn removes them on any instance. Resolves to
   * `'gone'` when the chat has no session any more (she exited meanwhile, perhaps through another
   * instance): the channel should delete those messages at once, since no exit will.
   */
  rememberMessages(chatRef: string, ids: number[], liveKeyboard?: number): Promise<'kept' | 'gone' | 'failed'> {
    if (ids.length === 0 && liveKeyboard === undefined) return Promise.resolve('kept');
    return this.serialise(chatRef, () => this.rememberMessagesExclusive(chatRef, ids, liveKeyboard));
  }

  /** `rememberMessages`, for a caller inside `exclusive(chatRef, ...)`. */
  async rememberMessagesExclusive(
    chatRef: string,
    ids: number[],
    liveKeyboard?: number,
  ): Promise<'kept' | 'gone' | 'failed'> {
    if (ids.length === 0 && liveKeyboard === undefined) return 'kept';
    try {
      // Right after this chat's turn, the version it wrote is almost always still the stored one.
      let current: Known | Versioned<SessionRecord> | null =
        this.lastWritten.get(chatRef) ?? (await this.o.store.read(chatRef));
      const minute = Math.floor(this.now() / 60_000);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        if (!current) return 'gone';
        // As a line of a few bytes (the ids), or whole when the record has enough lines already.
        const asLine: boolean = linesOf(current) < CHANGE_LINES_MAX;
        const record: SessionRecord = {
          s: current.value.s,
          m: asLine ? addIds(current.value.m, minute, ids) : this.withIds(current.value.m, ids, minute),
        };
        const k = liveKeyboard ?? current.value.k;
        if (k !== undefined) record.k = k;
        const swapped: SwapResult = asLine
          ? await this.o.store.amend(chatRef, { ids: { minute, ids }, k: liveKeyboard }, current.version, this.o.ttlSeconds)
          : await this.o.store.swap(chatRef, record, current.version, this.o.ttlSeconds);
        if (swapped.written) {
          this.remember(chatRef, { value: record, version: swapped.version }, asLine ? linesOf(current) + 1 : 0);
          return 'kept';
        }
        current = swapped.current;
        this.remember(chatRef, current);
      }
    } catch (err) {
      this.lastWritten.delete(chatRef);
      this.o.logger.warn({ err: errorName(err) }, 'could not remember message ids');
    }
    return 'failed';
  }

  /**
   * Keeps (or, for null, forgets) the chat's session as last seen in the store, newest last, with
   * the number of change lines stored after it (unknown for a record read: as many as allowed, so
   * the next write is whole).
   */
  private remember(chatRef: string, current: Versioned<SessionRecord> | null, lines: number = CHANGE_LINES_MAX): void {
    if (!current || this.lastWrittenMax === 0) {
      this.lastWritten.delete(chatRef);
      return;
    }
    const known = this.lastWritten;
    // A chat already kept is updated where it is (no reordering of the map at every turn) and
    // marked as used; a new one goes to the back.
    const used = known.has(chatRef);
    known.set(chatRef, { value: current.value, version: current.version, lines, used });
    // Over the bound: the oldest chat goes, unless it was used since it last came round; then it
    // moves to the back once (a "second chance", nearly least-recently-used order).
    while (known.size > this.lastWrittenMax) {
      const [oldest, kept] = known.entries().next().value!;
      known.delete(oldest);
      if (kept.used && oldest !== chatRef) {
        kept.used = false;
        known.set(oldest, kept);
      }
    }
  }

  private async runTurn(
    chatRef: string,
    input: Input,
    opts: { channel: string; incomingMessageId?: number; langHint?: string | null },
  ): Promise<TurnOutcome> {
    let lang = opts.langHint ?? null;
    try {
      // She exited while the store failed: wipe first; while that still fails, this is a new
      // conversation (her old session is never read again).
      const afterExit = this.pendingExits.has(chatRef) && !(await this.wipeAfterExit(chatRef));
      // The session as last written here (checked by the compare-and-set), else as stored now.
      let current: Known | Versioned<SessionRecord> | null | undefined = afterExit ? null : this.lastWritten.get(chatRef);
      let checked = current === undefined;
      if (current === undefined) current = await this.o.store.read(chatRef);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        lang = current?.value.s.lang ?? lang;
        const result = this.o.engine.turn(current?.value.s ?? null, input, this.now());
        // Her session was lost, so it cannot say her language: the channel's hint words the notice.
        if (result.lang === null && opts.langHint && result.intents.some(isLostNotice)) result.lang = opts.langHint;
        const ids = opts.incomingMessageId !== undefined ? [opts.incomingMessageId] : NO_IDS;
        if (result.snapshot === null) {
          // Wiped and handed back in one step: the ids to erase are those of the session as stored.
          const taken = current && !afterExit ? await this.takeForExit(chatRef, opts.channel) : null;
          const held = taken === 'failed' || taken === null ? current : taken;
          const toDelete = [...new Set([...messageIdGroups(held?.value.m).flatMap(([, ...group]) => group), ...ids])];
          if (taken === 'failed') return { ...this.outcome(result, opts.channel, true, toDelete), failed: true };
          // Counted from what was stored: nothing when another instance had ended it already.
          const ended = taken?.version === current?.version ? result : this.o.engine.turn(taken?.value.s ?? null, input, this.now());
          return this.outcome(ended, opts.channel, true, toDelete);
        }
        if (!result.changed && ids.length === 0 && current) {
          if (!checked) {
            // Nothing to write, so no compare-and-set to catch another instance's write: read.
            const stored = await this.o.store.read(chatRef);
            checked = true;
            if (stored?.version !== current.version) {
              current = stored;
              this.remember(chatRef, current);
              continue;
            }
          }
          return this.outcome(result, opts.channel, false, [], current.value.k);
        }
        // The live keyboard is not carried over: the channel removes it now and records the next one.
        // One minute for the record and its line alike (the ids are grouped by it).
        const minute = Math.floor(this.now() / 60_000);
        const m = this.withIds(current?.value.m, ids, minute);
        const record: SessionRecord = m.length > 0 ? { s: result.snapshot, m } : { s: result.snapshot };
        // What changed, as a line of a few dozen bytes, when it can be one; else the record whole.
        const change: RecordChange | null = current ? this.changeOf(current, record, ids, minute) : null;
        const swapped: SwapResult = change
          ? await this.o.store.amend(chatRef, change, current!.version, this.o.ttlSeconds)
          : await this.o.store.swap(chatRef, record, current?.version ?? 0, this.o.ttlSeconds);
        if (swapped.written) {
          this.remember(chatRef, { value: record, version: swapped.version }, change ? linesOf(current!) + 1 : 0);
          return this.outcome(result, opts.channel, false, [], current?.value.k);
        }
        // Another instance handled a message of this chat meanwhile: run the turn again on its result.
        current = swapped.current;
        checked = true;
        this.remember(chatRef, current);
      }
      throw new Error('too many concurrent updates for one chat');
    } catch (err) {
      // A write may have reached the store or not: the next turn reads again.
      this.lastWritten.delete(chatRef);
      if (this.o.engine.isExit(input)) {
        // She asked to leave: the channel still erases what it can and ends the chat, discreetly.
        // The session could not be wiped now: retried in the background, and until then her next
        // message starts a new conversation. It holds nothing that names her and expires by itself.
        this.o.logger.error({ err: errorName(err), channel: opts.channel }, 'exit: the session could not be wiped yet; the chat was ended, the wipe is retried');
        this.markExitPending(chatRef);
        return {
          lang,
          messages: this.o.renderer.render([{ type: 'exit' }], lang),
          exit: true,
          deleteMessageIds: opts.incomingMessageId !== undefined ? [opts.incomingMessageId] : [],
          failed: true,
          events: [],
        };
      }
      this.o.logger.error({ err: errorName(err), channel: opts.channel }, 'turn failed; sent the emergency contacts');
      return {
        lang,
        messages: this.o.renderer.render(this.o.engine.failSafe(lang), lang),
        exit: false,
        deleteMessageIds: [],
        failed: true,
        events: [],
      };
    }
  }

  /**
   * Quick exit: removes the session and hands back what it held. When the store fails, the chat is
   * ended all the same (she asked to leave); the wipe is retried in the background.
   */
  private async takeForExit(chatRef: string, channel: string): Promise<Versioned<SessionRecord> | null | 'failed'> {
    this.lastWritten.delete(chatRef);
    try {
      return await this.o.store.take(chatRef);
    } catch (err) {
      // The session holds nothing that names her and expires by itself; a later exit erases again.
      this.o.logger.error({ err: errorName(err), channel }, 'exit: the session could not be wiped yet; the chat was ended, the wipe is retried');
      this.markExitPending(chatRef);
      return 'failed';
    }
  }

  private outcome(
    result: TurnResult,
    channel: string,
    exit: boolean,
    deleteMessageIds: number[],
    liveKeyboard?: number,
  ): TurnOutcome {
    if (this.o.onEvent) for (const event of result.events) this.count(this.o.onEvent, event, channel);
    const outcome: TurnOutcome = {
      lang: result.lang,
      messages: this.o.renderer.render(result.intents, result.lang),
      exit,
      deleteMessageIds,
      failed: false,
      events: result.events,
    };
    // The message whose answer buttons were live before this turn (kept in the session).
    if (liveKeyboard !== undefined) outcome.liveKeyboard = liveKeyboard;
    return outcome;
  }

  /** Counting must never break a conversation: a failure, thrown or rejected, is only logged. */
  private count(onEvent: EventSink, event: TurnEvent, channel: string): void {
    try {
      const counted = onEvent(event, channel);
      if (counted) counted.catch(this.countFailed);
    } catch (err) {
      this.countFailed(err);
    }
  }

  private readonly countFailed = (err: unknown): void => {
    this.o.logger.warn({ err: errorName(err) }, 'could not count an event');
  };

  /**
   * The turn's write as a change line: the snapshot's moves, her message's id, the live keyboard
   * gone. Null when it must be whole: too many lines already, a change a line cannot say, or ids
   * old enough to forget (only a whole write drops them).
   */
  private changeOf(
    current: Known | Versioned<SessionRecord>,
    record: SessionRecord,
    ids: readonly number[],
    nowMin: number,
  ): RecordChange | null {
    if (linesOf(current) >= CHANGE_LINES_MAX) return null;
    if (needsRewrite(current.value.m, nowMin)) return null;
    const change = snapshotChange(current.value.s, record.s);
    if (!change) return null;
    if (ids.length > 0) change.ids = { minute: nowMin, ids };
    if (current.value.k !== undefined) change.k = null;
    return change;
  }

  /**
   * Adds `ids`, sent now, to the groups kept for quick exit and drops groups older than 48 hours
   * (Telegram cannot delete those). Ids of the same minute share one group, `[minute, ...ids]`:
   * a whole assessment is a few groups, which keeps the session under 1 KB in Redis.
   */
  private withIds(existing: SessionRecord['m'], ids: readonly number[], nowMin: number): MessageIdGroup[] {
    // The usual case, nothing to drop: the groups as they are (never changed in place), no copies.
    if (!needsRewrite(existing, nowMin)) return ids.length === 0 ? (existing ?? []) : addIds(existing, nowMin, ids);
    const fresh = messageIdGroups(existing).filter(([at]) => (nowMin - at) * 60 < MESSAGE_ID_MAX_AGE_S);
    return addIds(fresh, nowMin, ids);
  }

  private serialise<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.queue.run(key, task);
  }
}

/** No message ids (shared, never changed). */
const NO_IDS: readonly number[] = Object.freeze([]);

/** The notice that her session was lost (worded in the channel's language hint). */
function isLostNotice(i: Intent): boolean {
  return i.type === 'message' && i.key === 'session.lost';
}

/** A chat's session as this process last wrote or read it, and the change lines stored after it. */
interface Known extends Versioned<SessionRecord> {
  lines: number;
  /** Written or read again since it last came round for eviction. */
  used: boolean;
}

/** Change lines after a record: unknown (as many as allowed) for one read from the store. */
function linesOf(current: Known | Versioned<SessionRecord>): number {
  return 'lines' in current ? (current as Known).lines : CHANGE_LINES_MAX;
}

/**
 * The message-id groups of a stored record. Records written before ids were grouped hold
 * `[id, unix seconds]` pairs; those are read as one-id groups of their minute.
 */
function messageIdGroups(m: SessionRecord['m']): MessageIdGroup[] {
  return (m ?? []).map((g) => (isOldPair(g) ? [Math.floor(g[1]! / 60), g[0]!] : g));
}

/** True when some ids are too old to keep (48 hours), or still in the form before groups: only a whole write drops or regroups them. */
function needsRewrite(m: SessionRecord['m'], nowMin: number): boolean {
  for (const g of m ?? []) if (isOldPair(g) || (nowMin - g[0]) * 60 >= MESSAGE_ID_MAX_AGE_S) return true;
  return false;
}

/** A pair `[id, unix seconds]` as records held before ids were grouped by minute. */
function isOldPair(g: MessageIdGroup): boolean {
  return g.length === 2 && g[1]! > 1e9;
}

/** The error's class name and code only: messages from drivers can echo keys or values. */
export function errorName(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${err.name}:${code}` : err.name;
  }
  return typeof err;
}
