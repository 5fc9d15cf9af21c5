import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../src/keyed-queue.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyedQueue: one chat at a time, chats side by side', () => {
  it('runs the tasks of one key in order, each after the one before has finished', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    let release!: () => void;
    const first = q.run('a', async () => {
      log.push('1 start');
      await new Promise<void>((r) => (release = r));
      log.push('1 end');
      return 1;
    });
    const second = q.run('a', async () => {
      log.push('2 start');
      return 2;
    });
    await tick();
    expect(log).toEqual(['1 start']);
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(log).toEqual(['1 start', '1 end', '2 start']);
  });

  it('runs tasks of different keys at once', async () => {
    const q = new KeyedQueue();
    let release!: () => void;
    const slow = q.run('a', () => new Promise<void>((r) => (release = r)));
    let otherRan = false;
    await q.run('b', async () => {
      otherRan = true;
    });
    expect(otherRan).toBe(true);
    release();
    await slow;
  });

  it('a failed task is handed to its caller and does not stop the next one', async () => {
    const q = new KeyedQueue();
    const failed = q.run('a', () => Promise.reject(new Error('store down')));
    const next = q.run('a', async () => 'answered');
    await expect(failed).rejects.toThrow('store down');
    expect(await next).toBe('answered');
  });

  it('forgets a key once its last task has settled (holds only chats in flight)', async () => {
    const q = new KeyedQueue();
    await q.run('a', async () => {});
    await Promise.allSettled([q.run('b', () => Promise.reject(new Error('x'))), q.run('b', async () => {})]);
    await tick();
    expect(q.size).toBe(0);
  });
});
