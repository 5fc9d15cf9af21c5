import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { chatRef } from '../src/privacy.js';

it('chatRef is HMAC-SHA256(secret, "channel:id") in base64url, 22 characters, for whichever secret is given', () => {
  const expected = (secret: string, text: string) =>
    createHmac('sha256', secret).update(text).digest('base64url').slice(0, 22);
  // The prepared key follows the secret: alternating secrets give each its own reference.
  for (const secret of ['first-secret-0123456789', 'zweites Geheimnis ü', 'first-secret-0123456789']) {
    expect(chatRef(secret, 'telegram', 85_291_234_567)).toBe(expected(secret, 'telegram:85291234567'));
    expect(chatRef(secret, 'whatsapp', '85291234567')).toBe(expected(secret, 'whatsapp:85291234567'));
  }
  expect(chatRef('a', 'telegram', 1)).not.toBe(chatRef('b', 'telegram', 1));
  expect(chatRef('a', 'telegram', 1)).toHaveLength(22);
});
