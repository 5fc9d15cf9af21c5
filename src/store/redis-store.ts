import { createHash } from 'node:crypto';
import { createClient, createCluster } from 'redis';
import type { Logger } from '../log.js';
import { decodeRecord, encodeChange, encodeRecord, type RecordChange } from './session-codec.js';
import {
  firstVersion,
  StoreUnavailableError,
  ttlWholeSeconds,
  type SessionRecord,
  type SessionStore,
  type SwapResult,
  type Versioned,
} from './session-store.js';

/** How the Redis store connects. */
export interface RedisSessionStoreOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (REDIS_URL). */
  url: string;
  /** Put before every key (REDIS_PREFIX), so several bots or test runs can share one Redis. */
  prefix: string;
  /** Longest wait for one command or one connection attempt (REDIS_TIMEOUT_MS). */
  timeoutMs: number;
  logger: Logger;
  /** Connection attempts at start-up before `connect` gives up. After the first success it retries for ever. */
  startupAttempts?: number;
  /** The certificate authority to trust for rediss:// (REDIS_TLS_CA_FILE), e.g. a managed Redis's own CA. */
  tlsCa?: Buffer;
  /**
   * A Redis Cluster instead of one server (REDIS_CLUSTER_NODES): seed node URLs. node-redis's
   * cluster client routes each command by its key (every operation here has one key).
   */
  clusterNodes?: readonly string[];
}

/**
 * What the store needs of a node-redis client, a single server's or a cluster's (both have these,
 * with generic types too wide to write out; one key per command, so a cluster routes each).
 */
interface Client {
  connect(): Promise<unknown>;
  ping?(): Promise<unknown>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { PX?: number; EX?: number; NX?: boolean }): Promise<string | null>;
  del(key: string): Promise<number>;
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  memoryUsage(key: string): Promise<number | null>;
  close(): Promise<unknown>;
  destroy(): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  readonly isOpen: boolean;
  readonly isReady?: boolean;
}

/** After a failed command, a cluster client is rebuilt at most this often (it then re-discovers the topology). */
const CLUSTER_REBUILD_MIN_MS = 1000;

// === Stored format

/*
 * One Redis string per chat: "<version>|<record>" (the record as src/store/session-codec.ts writes
 * it). One GET reads value and version together, and the compare-and-set script below can check
 * the version without decoding the record. A value that does not start with a version is treated
 * as absent (version 0), so a damaged key is replaced by the next turn instead of locking the chat
 * out until it expires.
 */
const VERSIONED = /^(\d+)\|/;

/**
 * Compare-and-set with TTL in one atomic step. KEYS[1] = session key; ARGV[1] = expected version
 * (0: only if absent); ARGV[2] = the record; ARGV[3] = TTL in whole seconds (> 0); ARGV[4] = the
 * version of a new record (random, so a chat that starts again never reuses a version).
 * Returns the new version when written; when not, what is stored (or 0 when nothing is), so the
 * caller retries on it without another round trip.
 * Inside Lua, SET takes Redis's own positional arguments ('EX', n); the node-redis caveat about
 * positional EX applies to `client.set`, which this store never uses.
 */
const SWAP_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local version = 0
if current then
  version = tonumber(string.match(current, '^(%d+)|')) or 0
end
if version ~= tonumber(ARGV[1]) then
  if current then
    return current
  end
  return 0
end
local nextVersion = version + 1
if version == 0 then
  nextVersion = tonumber(ARGV[4])
end
redis.call('SET', KEYS[1], string.format('%d', nextVersion) .. '|' .. ARGV[2], 'EX', ARGV[3])
return nextVersion
`;

/**
 * Adds a change line to the record (see session-codec.ts) if the version is still
 * ARGV[1], with the TTL renewed, in one atomic step: the record itself is not sent again.
 * KEYS[1] = session key; ARGV[1] = expected version (> 0); ARGV[2] = the line; ARGV[3] = TTL in
 * whole seconds. Returns the new version when added; when not, what is stored (or 0 when nothing is).
 */
const AMEND_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if not current then
  return 0
end
local digits = string.match(current, '^(%d+)|')
if not digits or tonumber(digits) ~= tonumber(ARGV[1]) then
  return current
end
redis.call('SET', KEYS[1], string.format('%d', tonumber(digits) + 1) .. string.sub(current, string.len(digits) + 1) .. ARGV[2], 'EX', ARGV[3])
return tonumber(digits) + 1
`;

/** Removes the key and hands back what it held, in one step (GETDEL needs Redis 6.2; this runs on any). */
const TAKE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current then
  redis.call('DEL', KEYS[1])
end
return current
`;

/** The keys and arguments of one script call. */
interface ScriptArgs {
  keys: string[];
  arguments: string[];
}

/** A Lua script and its SHA1 (EVALSHA sends the digest, not the script). */
interface Script {
  source: string;
  sha1: string;
}
const script = (source: string): Script => ({ source, sha1: createHash('sha1').update(source).digest('hex') });
const SWAP = script(SWAP_SCRIPT);
const TAKE = script(TAKE_SCRIPT);
const AMEND = script(AMEND_SCRIPT);

// === Reconnecting

/** Back-off between reconnection attempts: 100 ms doubling to 2 s, plus jitter so instances spread out. */
export function reconnectDelayMs(retries: number): number {
  return Math.min(100 * 2 ** retries, 2000) + Math.floor(Math.random() * 100);
}

// === The store

/**
 * Sessions in Redis, shared by every instance of the bot. Keys are `${prefix}s:${chatRef}` (chatRef
 * is already a keyed hash); every write sets the TTL in the same atomic script as the
 * compare-and-set. Any failure (no connection, no answer in time, an error reply) becomes a
 * StoreUnavailableError, so the turn writes nothing and the user gets the emergency contacts.
 *
 * Failing fast: while disconnected the client rejects commands at once (no offline queue) and
 * reconnects with back-off. A connection that stays open but does not answer (a frozen server, a
 * failover that left a dead socket) is caught by a deadline on every command: node-redis's own
 * command `timeout` only covers commands not yet sent, so it cannot catch this. After a missed
 * deadline the connection is replaced, so the next turns do not queue behind the dead one.
 * A command that missed its deadline may still be carried out later by Redis; that is a whole
 * record (the script is atomic), never a partial one.
 */
export class RedisSessionStore implements SessionStore {
  private client: Client;
  /** Every command's REDIS_TIMEOUT_MS deadline, watched by one timer (not one timer per command). */
  private readonly deadlines = new Deadlines();
  private everReady = false;
  private healthy = false;
  private closing = false;

  private constructor(private readonly o: RedisSessionStoreOptions) {
    this.client = this.newClient();
  }

  /**
   * Connects and checks the server answers (PING). Throws StoreUnavailableError when it cannot
   * within `startupAttempts` attempts; the caller turns that into a start-up error.
   */
  static async connect(o: RedisSessionStoreOptions): Promise<RedisSessionStore> {
    let store: RedisSessionStore | undefined;
    try {
      store = new RedisSessionStore(o);
      const client = store.client;
      // Each attempt is bounded by connectTimeout; the deadline also covers a server that accepts
      // the connection and then says nothing.
      const attempts = o.startupAttempts ?? 3;
      await withDeadline(client.connect(), attempts * (o.timeoutMs + 2000), 'connecting');
      if (client.ping) await withDeadline(client.ping(), o.timeoutMs, 'PING');
      if (o.clusterNodes) store.onReady(); // a cluster client emits no 'ready' of its own
      await store.checkAccess();
      return store;
    } catch (err) {
      store?.closeNow();
      if (err instanceof RedisAccessError) throw err;
      throw unavailable('connect', err);
    }
  }

  /**
   * Writes, reads and deletes one short-lived key under the prefix, as every turn will: a Redis user
   * without rights to the prefix (an ACL), a read-only replica or a full server stops the start
   * here, with Redis's own error code, instead of failing every turn later.
   */
  private async checkAccess(): Promise<void> {
    const key = `${this.o.prefix}startup-check:${Math.random().toString(36).slice(2)}`;
    try {
      await withDeadline(this.client.set(key, '1', { PX: 10_000 }), this.o.timeoutMs, 'SET');
      const read = await withDeadline(this.client.get(key), this.o.timeoutMs, 'GET');
      await withDeadline(this.client.del(key), this.o.timeoutMs, 'DEL');
      if (read !== '1') throw new Error('the key written was not read back');
    } catch (err) {
      throw new RedisAccessError(this.o.prefix, redisErrorCode(err), { cause: err });
    }
  }

  /** The Redis key of a chat. */
  keyOf(chatRef: string): string {
    return `${this.o.prefix}s:${chatRef}`;
  }

  async read(chatRef: string): Promise<Versioned<SessionRecord> | null> {
    const stored = await this.command('read', (client) => client.get(this.keyOf(chatRef)));
    return stored === null ? null : parseStored(stored);
  }

  async write(
    chatRef: string,
    value: SessionRecord,
    expectedVersion: number,
    ttlSeconds: number,
  ): Promise<boolean> {
    return (await this.swap(chatRef, value, expectedVersion, ttlSeconds)).written;
  }

  swap(chatRef: string, value: SessionRecord, expectedVersion: number, ttlSeconds: number): Promise<SwapResult> {
    let args: ScriptArgs;
    try {
      const ttl = ttlWholeSeconds(ttlSeconds);
      args = {
        keys: [this.keyOf(chatRef)],
        // The fourth is used only when the record is created.
        arguments: [String(expectedVersion), encodeRecord(value), String(ttl), expectedVersion === 0 ? String(firstVersion()) : '0'],
      };
    } catch (err) {
      return rejection(err);
    }
    return this.script('write', SWAP, args, swapAnswer);
  }

  amend(chatRef: string, change: RecordChange, expectedVersion: number, ttlSeconds: number): Promise<SwapResult> {
    let args: ScriptArgs;
    try {
      args = {
        keys: [this.keyOf(chatRef)],
        arguments: [String(expectedVersion), encodeChange(change), String(ttlWholeSeconds(ttlSeconds))],
      };
    } catch (err) {
      // A change that cannot be a line (refused by encodeChange): nothing is written.
      return rejection(err);
    }
    return this.script('write', AMEND, args, swapAnswer);
  }

  async delete(chatRef: string): Promise<void> {
    await this.command('delete', (client) => client.del(this.keyOf(chatRef)));
  }

  take(chatRef: string): Promise<Versioned<SessionRecord> | null> {
    return this.script('delete', TAKE, { keys: [this.keyOf(chatRef)], arguments: [] }, takenAnswer);
  }

  async claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
    const set = await this.command('claim', (client) =>
      client.set(`${this.o.prefix}u:${key}`, '1', { NX: true, EX: Math.max(1, Math.ceil(ttlSeconds)) }),
    );
    return set === 'OK';
  }

  /** Bytes Redis uses for this chat's key and value (MEMORY USAGE), or null when there is none. */
  async memoryUsage(chatRef: string): Promise<number | null> {
    return this.command('memory usage', (client) => client.memoryUsage(this.keyOf(chatRef)));
  }

  /** Waits briefly for commands in flight, then disconnects. Safe to call twice. */
  async close(): Promise<void> {
    this.closing = true;
    const client = this.client;
    if (!client.isOpen) return;
    if (client.isReady === false || (this.o.clusterNodes && !this.healthy)) {
      this.closeNow();
      return;
    }
    try {
      await withDeadline(client.close(), this.o.timeoutMs, 'closing');
      this.deadlines.stop();
    } catch {
      this.closeNow();
    }
  }

  // === Connection handling

  private newClient(): Client {
    if (this.o.clusterNodes) return this.newClusterClient(this.o.clusterNodes);
    const startupAttempts = this.o.startupAttempts ?? 3;
    const client = createClient({
      url: this.o.url,
      // Reject commands while disconnected instead of queueing them: a turn must fail fast and
      // send the emergency contacts, not hang until Redis comes back.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: this.o.timeoutMs,
        ...(this.o.tlsCa ? { tls: true as const, ca: this.o.tlsCa } : {}),
        reconnectStrategy: (retries, cause) => {
          if (!this.everReady && retries + 1 >= startupAttempts) {
            return new Error(`no answer after ${startupAttempts} attempts (${cause.message})`);
          }
          return reconnectDelayMs(retries);
        },
      },
    });
    // Without an error listener node-redis crashes the process on the first connection error.
    // Events of a replaced client are ignored: it is being thrown away.
    client.on('error', (err: unknown) => {
      if (client === this.client) this.onConnectionError(err);
    });
    client.on('ready', () => {
      if (client === this.client) this.onReady();
    });
    return client as unknown as Client;
  }

  /**
   * A cluster client: it learns the topology from the first seed node that answers. It does not
   * follow a failover by itself (a dead master's slots keep failing), so after a failed command the
   * store rebuilds it (at most once a second), and the new one finds the promoted replica.
   */
  private newClusterClient(nodes: readonly string[]): Client {
    const client = createCluster({
      rootNodes: nodes.map((url) => ({ url })),
      defaults: {
        disableOfflineQueue: true,
        socket: {
          connectTimeout: this.o.timeoutMs,
          ...(this.o.tlsCa ? { tls: true as const, ca: this.o.tlsCa } : {}),
          reconnectStrategy: (retries: number) => reconnectDelayMs(retries),
        },
      },
    }) as unknown as Client;
    client.on('error', (err: unknown) => {
      if (client === this.client) this.onConnectionError(err);
    });
    return client;
  }

  private lastRebuild = 0;

  /** Cluster only: a command failed for another reason than Redis's own answer: rebuild the client. */
  private afterClusterFailure(client: Client, err: unknown): void {
    if (!this.o.clusterNodes || this.closing || client !== this.client) return;
    if (err instanceof Error && /^[A-Z][A-Z_]{2,} /.test(err.message) && !/^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN)/.test(err.message)) return;
    const now = Date.now();
    if (now - this.lastRebuild < CLUSTER_REBUILD_MIN_MS) return;
    this.lastRebuild = now;
    this.healthy = false;
    destroyQuietly(client);
    const next = this.newClient();
    this.client = next;
    next.connect().then(
      () => {
        if (next === this.client) this.onReady();
      },
      () => {},
    );
  }

  /** Runs one command on the current connection with the REDIS_TIMEOUT_MS deadline. */
  private command<T>(operation: string, run: (client: Client) => Promise<T>): Promise<T> {
    const client = this.client;
    let sent: Promise<T>;
    try {
      sent = run(client);
    } catch (err) {
      sent = rejection(err);
    }
    return this.deadlines.watch(sent, this.o.timeoutMs, operation, this.owner, client);
  }

  /**
   * Runs a Lua script by its digest (EVALSHA); when Redis does not know it (first use, or after a
   * restart), the deadlines send the script itself with EVAL, which also puts it in Redis's cache.
   */
  private script<R>(operation: string, script: Script, args: ScriptArgs, answer: (value: unknown) => R): Promise<R> {
    const client = this.client;
    let sent: Promise<unknown>;
    try {
      sent = client.evalSha(script.sha1, args);
    } catch (err) {
      sent = rejection(err);
    }
    return this.deadlines.watch(sent, this.o.timeoutMs, operation, this.owner, client, answer, script, args);
  }

  /** What the deadlines tell this store about each command (kept off the store's own interface). */
  private readonly owner: CommandOwner = {
    answered: (client) => {
      if (this.o.clusterNodes && !this.healthy && client === this.client) this.onReady();
    },
    failed: (client, operation, err) => {
      this.afterClusterFailure(client, err);
      return unavailable(operation, err);
    },
    replace: (client) => this.replace(client),
  };

  /** Drops a connection that stopped answering and opens a new one (retrying with back-off). */
  private replace(stale: Client): void {
    if (this.closing || stale !== this.client || !this.everReady) return;
    if (this.healthy)
      this.o.logger.error(
        `Redis did not answer within ${this.o.timeoutMs} ms: reconnecting; turns fail safe meanwhile`,
      );
    this.healthy = false;
    destroyQuietly(stale);
    this.client = this.newClient();
    // Failures are reported through the error listener; the reconnect strategy keeps trying.
    this.client.connect().catch(() => {});
  }

  private onConnectionError(err: unknown): void {
    // Only the error's class and code: driver messages can carry addresses or, in theory, data.
    if (this.healthy) {
      this.o.logger.error(
        { err: errorName(err) },
        'Redis connection lost: turns fail safe while it reconnects',
      );
    } else {
      this.o.logger.debug({ err: errorName(err) }, 'Redis is still unreachable');
    }
    this.healthy = false;
  }

  private onReady(): void {
    if (this.everReady && !this.healthy) this.o.logger.warn('Redis connection is back');
    this.everReady = true;
    this.healthy = true;
  }

  private closeNow(): void {
    this.closing = true;
    this.deadlines.stop();
    destroyQuietly(this.client);
  }
}

/** A thrown value as a rejected promise (the store's methods reject, they never throw). */
function rejection(err: unknown): Promise<never> {
  return Promise.reject(err instanceof Error ? err : new Error(String(err)));
}

/** What the compare-and-set scripts answer, as a SwapResult. */
function swapAnswer(answer: unknown): SwapResult {
  if (typeof answer === 'number') {
    return answer > 0 ? { written: true, version: answer } : { written: false, current: null };
  }
  if (typeof answer === 'string') return { written: false, current: parseStored(answer) };
  throw unavailable('write', new TypeError('unexpected answer to the compare-and-set'));
}

/** What the take script answers: the record it removed, if any. */
function takenAnswer(stored: unknown): Versioned<SessionRecord> | null {
  return typeof stored === 'string' ? parseStored(stored) : null;
}

/** "<version>|<record>" as stored; null for a damaged value (absent: the next write replaces it). */
function parseStored(stored: string): Versioned<SessionRecord> | null {
  const head = VERSIONED.exec(stored);
  if (!head) return null;
  try {
    return { value: decodeRecord(stored.slice(head[0].length)), version: Number(head[1]) };
  } catch (err) {
    throw unavailable('decode', err);
  }
}

/** What the deadlines report back to the store about one command. */
interface CommandOwner {
  /** A command answered in time. */
  answered(client: Client): void;
  /** A command failed or missed its deadline: what its caller gets thrown. */
  failed(client: Client, operation: string, err: unknown): StoreUnavailableError;
  /** Drops a connection that stopped answering: node-redis then rejects every command still on it. */
  replace(client: Client): void;
}

/** One command in flight. */
interface InFlight {
  at: number;
  client: Client;
  owner: CommandOwner;
  /** Set when its deadline passed: its failure is then reported as "no answer in time". */
  expired: boolean;
}

/**
 * Deadlines of commands in flight, checked by one repeating timer (a tenth of the deadline apart, so
 * a deadline is kept within 10 %) instead of a timer and a race per command: less garbage per turn.
 * A command past its deadline has its connection dropped: node-redis rejects every command still
 * waiting on a destroyed connection, so the command's own promise fails then, and no second
 * promise per command is needed to race it.
 */
class Deadlines {
  private readonly pending = new Set<InFlight>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * `promise`, failing as the owner's StoreUnavailableError (after `ms`: its connection is dropped),
   * its value read by `answer` when given. For a script run by its digest (`script` given), NOSCRIPT
   * is answered with EVAL of the script itself, watched the same way. Both in the same reaction:
   * not one more promise per command.
   */
  watch<T, R = T>(
    promise: Promise<T>,
    ms: number,
    operation: string,
    owner: CommandOwner,
    client: Client,
    answer?: (value: T) => R,
    script?: Script,
    args?: ScriptArgs,
  ): Promise<R> {
    const entry: InFlight = { at: Date.now() + ms, client, owner, expired: false };
    this.pending.add(entry);
    if (!this.timer) {
      this.timer = setInterval(() => this.check(), Math.max(5, Math.floor(ms / 10)));
      this.timer.unref();
    }
    return promise.then(
      (value) => {
        this.pending.delete(entry);
        owner.answered(client);
        return answer ? answer(value) : (value as unknown as R);
      },
      (err: unknown) => {
        this.pending.delete(entry);
        if (script && args && !entry.expired && err instanceof Error && err.message.startsWith('NOSCRIPT')) {
          let again: Promise<T>;
          try {
            again = client.eval(script.source, args) as Promise<T>;
          } catch (evalErr) {
            throw owner.failed(client, operation, evalErr);
          }
          return this.watch(again, ms, operation, owner, client, answer);
        }
        throw owner.failed(
          client,
          operation,
          entry.expired ? new StoreUnavailableError(`Redis: no answer to ${operation} within ${ms} ms`) : err,
        );
      },
    );
  }

  /** Stops watching (the connection is destroyed: node-redis rejects what was still in flight). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private check(): void {
    const now = Date.now();
    for (const entry of this.pending) {
      if (entry.at > now || entry.expired) continue;
      entry.expired = true;
      entry.owner.replace(entry.client);
    }
  }
}

/** `promise`, or a rejection after `ms` (calling `onTimeout` first). The late result is ignored. */
async function withDeadline<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  onTimeout?: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new StoreUnavailableError(`Redis: no answer to ${what} within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function destroyQuietly(client: Client): void {
  try {
    client.destroy();
  } catch {
    // already closed
  }
}

/** Redis answers, but refuses what the bot must do under its prefix (start-up check). */
export class RedisAccessError extends Error {
  constructor(
    readonly prefix: string,
    /** Redis's error code (NOPERM, READONLY, OOM ...), or the error's class when Redis gave none. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`Redis refused to write, read and delete a key under "${prefix}" (${code})`, options);
    this.name = 'RedisAccessError';
  }
}

/** The code Redis put first in its error reply ("NOPERM this user has no permissions..."). */
function redisErrorCode(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  const m = /^([A-Z][A-Z_]{2,})\b/.exec(message);
  return m ? m[1]! : errorName(err);
}

function unavailable(operation: string, err: unknown): StoreUnavailableError {
  if (err instanceof StoreUnavailableError) return err;
  return new StoreUnavailableError(`Redis ${operation} failed (${errorName(err)})`, { cause: err });
}

/** The error's class name and code only: messages from drivers can echo keys or addresses. */
function errorName(err: unknown): string {
  if (err instanceof Error) {
    // node-redis's error classes leave `name` as "Error"; their class name says more.
    const name = err.name === 'Error' ? err.constructor.name : err.name;
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${name}:${code}` : name;
  }
  return typeof err;
}
