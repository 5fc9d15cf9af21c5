/**
 * Runs the tasks of one key (one chat) one after another, in the order they came; tasks of
 * different keys run at once. A task starts at once when nothing of its key is running (the usual
 * case), and a failed task does not stop the next. A key is forgotten once its last task settles,
 * so the queue holds only chats with a task in flight.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const run = previous ? previous.then(task, task) : task();
    // Settles after `run`, never rejects; dropped once nothing follows it.
    const tail: Promise<unknown> = run.then(
      () => this.settled(key, tail),
      () => this.settled(key, tail),
    );
    this.tails.set(key, tail);
    return run;
  }

  private settled(key: string, tail: Promise<unknown>): void {
    if (this.tails.get(key) === tail) this.tails.delete(key);
  }

  /** How many keys have a task in flight. */
  get size(): number {
    return this.tails.size;
  }
}
