import { describe, expect, it } from 'vitest';
import { SendPacer } from '../../bots/whatsapp-common/send-pacer.js';

describe('SendPacer', () => {
  it('runs sends of one chat one after another with a pause after each', async () => {
    const pacer = new SendPacer({ perChatMs: 40, globalMs: 0 });
    const times: number[] = [];
    const t0 = Date.now();
    await Promise.all([1, 2, 3].map(() => pacer.run('a', async () => void times.push(Date.now() - t0))));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(35);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(35);
  });

  it('keeps a global gap between sends to different chats', async () => {
    const pacer = new SendPacer({ perChatMs: 0, globalMs: 30 });
    const times: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      ['a', 'b', 'c'].map((chat) => pacer.run(chat, async () => void times.push(Date.now() - t0))),
    );
    times.sort((x, y) => x - y);
    expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(55);
  });

  it('does not hold up other chats while one chat pauses', async () => {
    const pacer = new SendPacer({ perChatMs: 200, globalMs: 0 });
    await pacer.run('a', async () => undefined);
    const t0 = Date.now();
    await pacer.run('b', async () => undefined);
    expect(Date.now() - t0).toBeLessThan(100);
  });

  it('passes a failure to its caller and goes on with the next send', async () => {
    const pacer = new SendPacer({ perChatMs: 0, globalMs: 0 });
    const failed = pacer.run('a', async () => Promise.reject(new Error('boom')));
    const next = pacer.run('a', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
