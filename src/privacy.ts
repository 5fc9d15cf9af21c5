import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/** The HMAC key of the last secret used (a process has one): prepared once, not at every message. */
let keyOf: { secret: string; key: KeyObject } | undefined;

/**
 * The session key for a chat: HMAC-SHA256(secret, channel + ":" + chatId), base64url, 128 bits.
 * The raw chat id never leaves the channel adapter; only this reference is stored or logged.
 */
export function chatRef(secret: string, channel: string, chatId: string | number): string {
  if (keyOf?.secret !== secret) keyOf = { secret, key: createSecretKey(Buffer.from(secret)) };
  return createHmac('sha256', keyOf.key).update(`${channel}:${chatId}`).digest('base64url').slice(0, 22);
}

/** A random secret for development runs: sessions are then unreadable after a restart. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}
