import type { Snapshot } from '../engine.js';
import type { RecordChange } from './session-codec.js';

/** Ids of messages sent in one minute: `[minutes since 1970, id, id, ...]`. */
export type MessageIdGroup = [number, ...number[]];

/**
 * What is stored per conversation: the engine's snapshot and, for Telegram, the ids of messages
 * to delete on quick exit, grouped by the minute they were sent (never older than 48 hours).
 */
export interface SessionRecord {
  s: Snapshot;
  m?: MessageIdGroup[];
  /** Telegram: the id of the message whose answer buttons are live, so any instance can remove them. */
  k?: number;
}

/** A stored value with the version used for compare-and-set. */
export interface Versioned<T> {
  value: T;
  version: number;
}

/** What a compare-and-set did: written with its new version, or not, with what is stored instead. */
export type SwapResult =
  | { written: true; version: number }
  | { written: false; current: Versioned<SessionRecord> | null };

/** The version a record is created with: random, so a chat that exits and starts again never reuses a version. */
export function firstVersion(): number {
  // Below 2^53, so Redis's Lua and JavaScript both hold it exactly.
  return 1 + Math.floor(Math.random() * 2 ** 40);
}

/** Every write's TTL, in the whole seconds stores set: refused when it is not a positive number. */
export function ttlWholeSeconds(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0)
    throw new RangeError(`every session needs a positive TTL (got ${ttlSeconds})`);
  return Math.ceil(ttlSeconds);
}

/**
 * The session store port. Keys are already keyed hashes (see src/privacy.ts); stores add their prefix.
 * Every write sets a TTL. Implementations: MemorySessionStore (default) and RedisSessionStore.
 */
export interface SessionStore {
  /** The record and its version, or null when there is none (or it expired). */
  read(key: string): Promise<Versioned<SessionRecord> | null>;
  /**
   * Writes `value` only if the stored version still equals `expectedVersion` (0: only if absent).
   * Returns false when another writer got there first; the caller re-reads and retries.
   * Versions are opaque: a new record starts at a random one, each write adds one.
   */
  write(key: string, value: SessionRecord, expectedVersion: number, ttlSeconds: number): Promise<boolean>;
  /**
   * The same compare-and-set in one round trip that also says what it did: the new version when
   * written, else what is stored now (so the caller retries on it without reading again).
   */
  swap(key: string, value: SessionRecord, expectedVersion: number, ttlSeconds: number): Promise<SwapResult>;
  /**
   * Adds a change to the record (a turn's moves, the ids of messages just sent) if its version is
   * still `expectedVersion`, without sending the record again: a line of a few dozen bytes (see
   * session-codec.ts). The same answer as `swap`; nothing is changed for a chat that has no record.
   */
  amend(key: string, change: RecordChange, expectedVersion: number, ttlSeconds: number): Promise<SwapResult>;
  /** Removes the record. Deleting a missing key is fine. */
  delete(key: string): Promise<void>;
  /** Removes the record and hands back what was stored (null: nothing), in one round trip. */
  take(key: string): Promise<Versioned<SessionRecord> | null>;
  /**
   * True for the first caller that claims `key` within `ttlSeconds`, false for every later one, on
   * every instance sharing the store: how a repeated delivery (Telegram re-sending an update) is
   * recognised whichever instance it reaches. The key says nothing about anyone (an update id).
   */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** The store could not be reached or answered wrongly: the turn is not written, the user gets help. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
