import { describe, expect, it } from 'vitest';
import { inputOf, isPrivateChatId, shouldAnswer } from '../../bots/whatsapp/incoming-message.js';
import { libraryMessage } from './fake-client.js';

const START = 1_800_000_000;

describe('which chats are private', () => {
  it.each([
    ['85291234567@c.us', true],
    ['204169385615532@lid', true],
    ['120363025555555555@g.us', false],
    ['status@broadcast', false],
    ['1700000000@broadcast', false],
    ['120363111111111111@newsletter', false],
  ])('%s → %s', (id, expected) => {
    expect(isPrivateChatId(id)).toBe(expected);
  });
});

describe('shouldAnswer', () => {
  const fresh = (over = {}) => libraryMessage('85291234567@c.us', 'hi', { timestamp: START, ...over });
  it('answers a fresh text in a private chat, also the second it started', () => {
    expect(shouldAnswer(fresh(), START)).toBe(true);
    expect(shouldAnswer(fresh({ from: '204169385615532@lid' }), START)).toBe(true);
  });
  it('skips the backlog from before the start', () => {
    expect(shouldAnswer(fresh({ timestamp: START - 1 }), START)).toBe(false);
  });
});

describe('inputOf', () => {
  const codes = ['en', 'id'];
  it('passes text on, reads a leaflet start text, and marks everything else unsupported', () => {
    expect(inputOf(libraryMessage('x@c.us', '2'), codes)).toEqual({ kind: 'text', text: '2' });
    expect(inputOf(libraryMessage('x@c.us', 'START id-a1'), codes)).toEqual({
      kind: 'start',
      lang: 'id',
      campaign: 'a1',
    });
    expect(inputOf(libraryMessage('x@c.us', 'caption', { type: 'image', hasMedia: true }), codes)).toEqual({
      kind: 'unsupported',
    });
    expect(inputOf(libraryMessage('x@c.us', 'START id', { type: 'image', hasMedia: true }), codes)).toEqual({
      kind: 'unsupported',
    });
  });
});
