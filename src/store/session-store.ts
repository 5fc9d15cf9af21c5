import type { Snapshot } from '../engine.js';

/**
 * What is stored per conversation: the engine's snapshot and, for Telegram, the ids of messages
 * to delete on quick exit as [message id, unix seconds sent] (never older than 48 hours).
 */
export interface SessionRecord {
  s: Snapshot;
  m?: [number, number][];
}

/** A stored value with the version used for compare-and-set. */
export interface Versioned<T> {
  value: T;
  version: number;
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
   */
  write(key: string, value: SessionRecord, expectedVersion: number, ttlSeconds: number): Promise<boolean>;
  /** Removes the record. Deleting a missing key is fine. */
  delete(key: string): Promise<void>;
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
