/** How fast the bot may send. Both 0 in tests. */
export interface PacingOptions {
  /** Pause after each send to the same chat, in ms. */
  perChatMs: number;
  /** Smallest gap between any two sends of the whole bot, in ms (1000 = at most one a second). */
  globalMs: number;
  /**
   * Pause after each revoke of a quick exit in the same chat, in ms (default 0: only the global
   * gap). Her messages should vanish fast: an employer may be reaching for the phone.
   */
  revokeMs?: number;
}

/** Defaults that keep a busy Sunday well below the rate that gets unofficial clients banned. */
export const DEFAULT_PACING: PacingOptions = { perChatMs: 800, globalMs: 250, revokeMs: 0 };

/**
 * Paces outgoing WhatsApp actions (sends and deletes): one at a time per chat with a pause after
 * each, and a global gap between any two. A failed action does not hold up the next one; the
 * caller gets the error.
 */
export class SendPacer {
  private readonly chains = new Map<string, Promise<unknown>>();
  private nextGlobalSlot = 0;

  constructor(
    private readonly options: PacingOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `task` for the chat `key` (a chat reference) when pacing allows. `pauseAfterMs` replaces
   * the per-chat pause for this task (quick exit revokes with the global gap only).
   */
  run<T>(key: string, task: () => Promise<T>, pauseAfterMs: number = this.options.perChatMs): Promise<T> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const go = async (): Promise<T> => {
      await this.globalSlot();
      return task();
    };
    const run = previous.then(go, go);
    const tail = run.catch(() => undefined).then(() => sleep(pauseAfterMs));
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return run;
  }

  /** Reserves the next free global slot and waits for it. */
  private async globalSlot(): Promise<void> {
    if (this.options.globalMs <= 0) return;
    const now = this.now();
    const slot = Math.max(now, this.nextGlobalSlot);
    this.nextGlobalSlot = slot + this.options.globalMs;
    await sleep(slot - now);
  }
}

/** Waits `ms` without keeping the process alive; 0 returns at once. */
export function sleep(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
