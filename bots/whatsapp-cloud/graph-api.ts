import { sleep } from '../whatsapp-common/send-pacer.js';

/**
 * The Graph API version every call uses, pinned here only. Meta supports a version for about two
 * years after the next one comes out; raise it after reading Meta's changelog for the messages API.
 */
export const GRAPH_API_VERSION = 'v23.0';

/** Meta's Graph API (WHATSAPP_CLOUD_GRAPH_ROOT replaces it in tests). */
export const DEFAULT_GRAPH_ROOT = 'https://graph.facebook.com';

/** How long one call may take before it counts as a network failure. */
const CALL_TIMEOUT_MS = 15_000;

// === Errors at the boundary

/**
 * The Graph API refused a call: its HTTP status and Meta's error code (and subcode). Meta's error
 * texts can quote the recipient's number, so only the numbers are kept: the message is never read.
 */
export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    readonly subcode: number | undefined,
  ) {
    super(`Graph API error ${code ?? '-'} (HTTP ${status})`);
    this.name = 'GraphApiError';
  }

  /** Meta's codes for "too many messages" (app, account, throughput, or to this one person). */
  get rateLimited(): boolean {
    return this.code !== undefined && RATE_LIMIT_CODES.has(this.code);
  }

  /** True when the same call may succeed later: a rate limit, a temporary failure at Meta, a 5xx. */
  get retryable(): boolean {
    if (this.rateLimited) return true;
    if (this.code !== undefined && TEMPORARY_CODES.has(this.code)) return true;
    return this.status >= 500 || this.status === 429;
  }
}

/** The Graph API could not be reached or did not answer in time. */
export class GraphNetworkError extends Error {
  constructor(readonly reason: string) {
    super(`Graph API not reachable (${reason})`);
    this.name = 'GraphNetworkError';
  }
}

/** 4 app, 80007 business account, 130429 throughput, 131056 too many to one person ("pair rate limit"). */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 80007, 130429, 131056]);
/** 1 and 2 unknown/temporary, 131000 something went wrong, 131016 service unavailable. */
const TEMPORARY_CODES: ReadonlySet<number> = new Set([1, 2, 131000, 131016]);
/** The access token is invalid or expired. */
export const INVALID_TOKEN_CODE = 190;
/** The message cannot reach her (not on WhatsApp, an old app, or she blocked the number). */
export const UNDELIVERABLE_CODE = 131026;
/** Meta will not deliver for a payment problem (no payment method once the free messages are used). */
export const PAYMENT_CODE = 131042;
/** Her last message is more than 24 hours old: only templates may be sent, and the bot sends none. */
export const OUTSIDE_WINDOW_CODE = 131047;

// === The client

/** One message to send, as the messages endpoint takes it, without `messaging_product` and `to`. */
export type GraphMessage =
  | { type: 'text'; text: { body: string; preview_url: false } }
  | { type: 'interactive'; interactive: unknown };

export interface GraphApiOptions {
  /** WHATSAPP_CLOUD_GRAPH_ROOT or Meta's. */
  root?: string;
  phoneNumberId: string;
  accessToken: string;
  /** Waits before each retry of a retryable failure; a rate limit waits longer (×4). Default 1, 2, 4 s. */
  retryDelaysMs?: readonly number[];
}

/**
 * The part of the Graph API the bot uses: the messages endpoint of its phone number, with plain
 * `fetch`. The token goes in a header only, never in a URL or a log line.
 */
export class GraphApi {
  private readonly url: string;
  private readonly delays: readonly number[];

  constructor(private readonly o: GraphApiOptions) {
    this.url = `${o.root ?? DEFAULT_GRAPH_ROOT}/${GRAPH_API_VERSION}/${encodeURIComponent(o.phoneNumberId)}/messages`;
    this.delays = o.retryDelaysMs ?? [1000, 2000, 4000];
  }

  /** Sends one message to `to` (a wa_id) once; throws GraphApiError or GraphNetworkError. */
  async sendOnce(to: string, message: GraphMessage): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.o.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...message }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (err) {
      throw new GraphNetworkError(err instanceof Error ? err.name : 'fetch failed');
    }
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    let code: number | undefined;
    let subcode: number | undefined;
    try {
      const body = (await res.json()) as { error?: { code?: unknown; error_subcode?: unknown } };
      if (typeof body.error?.code === 'number') code = body.error.code;
      if (typeof body.error?.error_subcode === 'number') subcode = body.error.error_subcode;
    } catch {
      // not JSON (a proxy's error page): the status says enough
    }
    throw new GraphApiError(res.status, code, subcode);
  }

  /**
   * Sends with retries: what may pass later (a rate limit, a failure at Meta, the network) is tried
   * again after a growing wait; anything else is thrown at once.
   */
  async send(to: string, message: GraphMessage): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.sendOnce(to, message);
        return;
      } catch (err) {
        const retryable = err instanceof GraphNetworkError || (err instanceof GraphApiError && err.retryable);
        if (!retryable || attempt >= this.delays.length) throw err;
        const factor = err instanceof GraphApiError && err.rateLimited ? 4 : 1;
        await sleep(this.delays[attempt]! * factor);
      }
    }
  }
}
