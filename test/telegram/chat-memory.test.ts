import { describe, expect, it } from 'vitest';
import { ChatMemory } from '../../bots/telegram/chat-memory.js';

describe('what one process remembers of a chat for quick exit', () => {
  it('every id it sent or received, handed over once at the exit', () => {
    const m = new ChatMemory();
    m.addKnown('a', [1, 2]);
    m.addKnown('a', [3]);
    m.addKnown('b', [9]);
    expect(m.takeKnown('a')).toEqual([1, 2, 3]);
    expect(m.takeKnown('a')).toEqual([]);
    expect(m.takeKnown('b')).toEqual([9]);
  });

  it('drops ids older than 48 hours (Telegram can no longer delete them)', () => {
    let now = 0;
    const m = new ChatMemory(10, () => now);
    m.addKnown('a', [1]);
    now = 47 * 3600_000;
    m.addKnown('a', [2]);
    now = 49 * 3600_000;
    expect(m.takeKnown('a')).toEqual([2]);
  });

  it('is bounded: at most 300 ids a chat, and the oldest chats are forgotten first', () => {
    const m = new ChatMemory(2);
    m.addKnown('a', Array.from({ length: 350 }, (_, i) => i));
    const ids = m.takeKnown('a');
    expect(ids).toHaveLength(300);
    expect(ids[0]).toBe(50);
    m.addKnown('x', [1]);
    m.addKnown('y', [2]);
    m.addKnown('z', [3]);
    expect(m.takeKnown('x')).toEqual([]);
    expect(m.takeKnown('z')).toEqual([3]);
  });

  it('forgets the chat unused longest, not one still talking, and never the one just added', () => {
    const m = new ChatMemory(2);
    m.setLanguage('a', 'id');
    m.setLanguage('b', 'tl');
    m.setLiveKeyboard('a', 5); // a is still talking
    m.setLanguage('c', 'en');
    expect(m.size).toBe(2);
    expect(m.language('a')).toBe('id');
    expect(m.language('b')).toBeUndefined();
    expect(m.language('c')).toBe('en');
    // Both kept chats used since: the new one still stays.
    m.setLiveKeyboard('a', 6);
    m.setLiveKeyboard('c', 7);
    m.setLanguage('d', 'th');
    expect(m.size).toBe(2);
    expect(m.language('d')).toBe('th');
  });
});
