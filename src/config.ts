import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { TELEGRAM_BOT_USERNAME_PATTERN, WHATSAPP_NUMBER_PATTERN } from './leaflet/links.js';
import { randomSecret } from './privacy.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
/** A number within [min, max], or the fallback when unset; a value outside names the range. */
const numberIn = (fallback: number, min: number, max: number, unit: string, integer = false) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
        ctx.addIssue({
          code: 'custom',
          message: `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} ${unit} (got "${v}")`,
        });
        return z.NEVER;
      }
      return n;
    });

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { error: (i) => `must be development, production or test (got "${String(i.input)}")` })
    .optional()
    .default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  SESSION_SECRET: z.string().optional(),
  // At least a minute: a shorter TTL rounds to nothing and every turn would fail. At most 30 days.
  SESSION_TTL_HOURS: numberIn(24, 1 / 60, 720, 'hours'),
  RESUME_PROMPT_MINUTES: numberIn(30, 0.1, 43_200, 'minutes'),
  // Without Redis: sessions kept in memory at most (about 0.5 KB each); past that the oldest is dropped.
  MEMORY_STORE_MAX_SESSIONS: numberIn(100_000, 100, 10_000_000, 'sessions', true),
  REDIS_URL: z.string().optional(),
  REDIS_PREFIX: z.string().optional().default('sab:'),
  // A Redis Cluster: its seed nodes, comma-separated (e.g. redis://10.0.0.1:6379,redis://10.0.0.2:6379).
  // Set instead of REDIS_URL; the bot learns the rest of the cluster from the first that answers.
  REDIS_CLUSTER_NODES: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined))
    .refine((v) => v === undefined || (v.length > 0 && v.every((u) => /^rediss?:\/\/\S+$/i.test(u))), {
      message: 'must be the cluster\'s seed nodes, comma-separated, each like redis://10.0.0.1:6379',
    }),
  REDIS_TIMEOUT_MS: numberIn(2000, 50, 60_000, 'milliseconds', true),
  // A managed Redis with its own certificate authority: the CA certificate (PEM) to trust, with rediss://.
  REDIS_TLS_CA_FILE: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).optional().default('polling'),
  TELEGRAM_WEBHOOK_URL: z.string().optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().optional(),
  // Another Bot API server (a self-hosted one, or a test double): its root, e.g. http://127.0.0.1:8081.
  TELEGRAM_API_ROOT: z
    .string()
    .optional()
    .transform((v) => v?.trim().replace(/\/+$/, '') || undefined)
    .refine((v) => v === undefined || /^https?:\/\/[^\s/]+$/.test(v), {
      message: 'must be the root address of a Bot API server, e.g. http://127.0.0.1:8081 (no path, no /bot<token>)',
    }),
  PORT: numberIn(8080, 1, 65_535, '(a TCP port)', true),
  // Webhook mode: the interface the HTTP server listens on. 127.0.0.1 behind a reverse proxy on the
  // same machine; 0.0.0.0 in a container (the proxy is outside it).
  HOST: z
    .string()
    .optional()
    .transform((v) => v?.trim() || '127.0.0.1')
    .refine((v) => /^[A-Za-z0-9.:_-]+$/.test(v), { message: 'must be an address to listen on, e.g. 127.0.0.1 or 0.0.0.0' }),
  WHATSAPP_ENABLED: bool,
  WHATSAPP_DATA_DIR: z.string().optional().default('data/whatsapp'),
  CHROMIUM_PATH: z.string().optional().default('/usr/bin/chromium'),
  // WhatsApp through Meta's Cloud API (bots/whatsapp-cloud): on when its settings are set.
  WHATSAPP_CLOUD_ACCESS_TOKEN: z.string().optional().transform((v) => v?.trim() || undefined),
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: z
    .string()
    .optional()
    .transform((v) => v?.trim() || undefined)
    .refine((v) => v === undefined || /^\d{5,30}$/.test(v), {
      message: "must be the phone number id from the app's WhatsApp > API setup page: digits only (not the phone number)",
    }),
  WHATSAPP_CLOUD_APP_SECRET: z.string().optional().transform((v) => v?.trim() || undefined),
  WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().optional().transform((v) => v?.trim() || undefined),
  WHATSAPP_CLOUD_WEBHOOK_PATH: z
    .string()
    .optional()
    .transform((v) => v?.trim() || '/whatsapp')
    .refine((v) => /^\/[A-Za-z0-9/_-]{0,100}$/.test(v), {
      message: 'must be a path such as /whatsapp (the path of the callback URL given to Meta)',
    }),
  WHATSAPP_CLOUD_GRAPH_ROOT: z
    .string()
    .optional()
    .transform((v) => v?.trim().replace(/\/+$/, '') || undefined)
    .refine((v) => v === undefined || /^https?:\/\/[^\s/]+$/.test(v), {
      message: 'must be the root address of a Graph API server, e.g. http://127.0.0.1:9000 (no path)',
    }),
  // Leaflets only (npm run leaflet): where the printed QR codes point. Unset: that channel is left off.
  TELEGRAM_BOT_USERNAME: z
    .string()
    .optional()
    .transform((v) => v?.trim().replace(/^@/, '') || undefined)
    .refine((v) => v === undefined || TELEGRAM_BOT_USERNAME_PATTERN.test(v), {
      message: 'must be the bot\'s user name as @BotFather shows it: 5-32 of A-Z a-z 0-9 _, ending in "bot"',
    }),
  WHATSAPP_NUMBER: z
    .string()
    .optional()
    .transform((v) => v?.replace(/[\s()+-]/g, '') || undefined)
    .refine((v) => v === undefined || WHATSAPP_NUMBER_PATTERN.test(v), {
      message:
        "must be the bot's WhatsApp number in international digits, country code first, e.g. 85212345678",
    }),
  FLOWS_ROOT: z.string().optional(),
});

/** Validated settings. See .env.example for what each one means. */
export type Config = Omit<z.infer<typeof envSchema>, 'SESSION_SECRET'> & {
  SESSION_SECRET: string;
  /** True when SESSION_SECRET was not set and a random one is used (development only). */
  secretIsRandom: boolean;
};

/** A setting is missing or wrong; the message names the variable. Start-up stops with it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Only the settings `npm run leaflet` uses, so leaflets can be made on any machine without the
 * bot's secrets (SESSION_SECRET is not needed to print a QR code).
 */
export function loadLeafletConfig(
  env: NodeJS.ProcessEnv = process.env,
): Pick<Config, 'TELEGRAM_BOT_USERNAME' | 'WHATSAPP_NUMBER' | 'CHROMIUM_PATH'> {
  const parsed = envSchema
    .pick({ TELEGRAM_BOT_USERNAME: true, WHATSAPP_NUMBER: true, CHROMIUM_PATH: true })
    .safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Bad setting(s):\n${lines.join('\n')}\nSee .env.example.`);
  }
  return parsed.data;
}

/** Reads and checks the settings once, at start-up. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Every setting is checked on its own, so that every wrong one is named at once.
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(envSchema.shape)) {
    const r = (field as z.ZodType).safeParse(env[key]);
    if (r.success) values[key] = r.data;
    else problems.push(...r.error.issues.map((i) => `${key}: ${i.message}`));
  }
  const c = values as Partial<z.infer<typeof envSchema>>;
  const sentences: string[] = [];
  const production = c.NODE_ENV === 'production';
  if (c.RESUME_PROMPT_MINUTES !== undefined && c.SESSION_TTL_HOURS !== undefined && c.RESUME_PROMPT_MINUTES >= c.SESSION_TTL_HOURS * 60) {
    sentences.push(
      `RESUME_PROMPT_MINUTES (${c.RESUME_PROMPT_MINUTES}) must be shorter than SESSION_TTL_HOURS (${c.SESSION_TTL_HOURS} h = ${c.SESSION_TTL_HOURS * 60} minutes): the "continue or start again?" question comes before the session expires.`,
    );
  }
  if (c.REDIS_CLUSTER_NODES && c.REDIS_URL) {
    sentences.push('REDIS_URL and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis server, or REDIS_CLUSTER_NODES for a Redis Cluster, not both.');
  }
  if (c.REDIS_TLS_CA_FILE !== undefined) {
    if (!existsSync(c.REDIS_TLS_CA_FILE)) sentences.push(`REDIS_TLS_CA_FILE names ${c.REDIS_TLS_CA_FILE}, but there is no such file.`);
    if (![c.REDIS_URL, ...(c.REDIS_CLUSTER_NODES ?? [])].some((u) => u?.toLowerCase().startsWith('rediss://'))) {
      sentences.push('REDIS_TLS_CA_FILE is set, but REDIS_URL does not start with rediss:// (Redis over TLS): use rediss://host:port.');
    }
  }
  if (!c.SESSION_SECRET && production) {
    sentences.push(
      'SESSION_SECRET is not set. In production it is required: it keys the hashes that replace chat ids. ' +
        'Set it to a long random value (e.g. `openssl rand -base64 32`) and keep it secret.',
    );
  }
  if (c.SESSION_SECRET !== undefined && c.SESSION_SECRET.length > 0 && c.SESSION_SECRET.length < 16) {
    sentences.push('SESSION_SECRET is too short: use at least 16 characters (32 random bytes is best).');
  }
  if (c.TELEGRAM_MODE === 'webhook' && !c.TELEGRAM_BOT_TOKEN) {
    sentences.push('TELEGRAM_BOT_TOKEN is required when TELEGRAM_MODE=webhook: get it from @BotFather (see README, "Telegram").');
  }
  if (c.TELEGRAM_BOT_TOKEN && !/^\d{3,}:[A-Za-z0-9_-]{30,}$/.test(c.TELEGRAM_BOT_TOKEN)) {
    sentences.push(
      'TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then about 35 letters and digits, ' +
        'e.g. 123456789:AAE...). Copy it again from @BotFather.',
    );
  }
  if (c.TELEGRAM_MODE === 'webhook' && c.TELEGRAM_BOT_TOKEN) {
    if (!c.TELEGRAM_WEBHOOK_URL) sentences.push('TELEGRAM_WEBHOOK_URL is required when TELEGRAM_MODE=webhook.');
    else if (!/^https:\/\/[^\s/]+/.test(c.TELEGRAM_WEBHOOK_URL)) {
      sentences.push('TELEGRAM_WEBHOOK_URL must be the public https:// address Telegram posts to, e.g. https://bot.example.org/telegram.');
    }
    if (!c.TELEGRAM_WEBHOOK_SECRET || !/^[A-Za-z0-9_-]{16,256}$/.test(c.TELEGRAM_WEBHOOK_SECRET)) {
      sentences.push('TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_MODE=webhook: 16-256 characters of A-Z a-z 0-9 _ -.');
    }
  }
  sentences.push(...whatsAppCloudProblems(c));
  if (problems.length === 0 && sentences.length === 1) throw new ConfigError(sentences[0]!);
  if (problems.length + sentences.length > 0) {
    throw new ConfigError(`Bad setting(s):\n${[...problems, ...sentences].join('\n')}\nSee .env.example.`);
  }
  const checked = envSchema.parse(env);
  const secret = checked.SESSION_SECRET || randomSecret();
  return { ...checked, SESSION_SECRET: secret, secretIsRandom: !checked.SESSION_SECRET };
}

/** The four WhatsApp Cloud API settings that must be set together. */
export const WHATSAPP_CLOUD_KEYS = [
  'WHATSAPP_CLOUD_ACCESS_TOKEN',
  'WHATSAPP_CLOUD_PHONE_NUMBER_ID',
  'WHATSAPP_CLOUD_APP_SECRET',
  'WHATSAPP_CLOUD_VERIFY_TOKEN',
] as const;

/** True when the WhatsApp Cloud API channel is configured (all four settings are set). */
export function whatsAppCloudEnabled(c: Partial<Pick<Config, (typeof WHATSAPP_CLOUD_KEYS)[number]>>): boolean {
  return WHATSAPP_CLOUD_KEYS.every((k) => Boolean(c[k]));
}

/** The Cloud API settings go together: all four or none, each in the form Meta gives it. */
function whatsAppCloudProblems(c: Partial<z.infer<typeof envSchema>>): string[] {
  const missing = WHATSAPP_CLOUD_KEYS.filter((k) => !c[k]);
  if (missing.length === WHATSAPP_CLOUD_KEYS.length) return [];
  const out: string[] = [];
  if (missing.length > 0) {
    out.push(`The WhatsApp Cloud API channel needs all four of its settings; missing: ${missing.join(', ')} (see README, "WhatsApp Cloud API").`);
  }
  if (c.WHATSAPP_CLOUD_ACCESS_TOKEN && !/^[A-Za-z0-9_|.-]{20,1024}$/.test(c.WHATSAPP_CLOUD_ACCESS_TOKEN)) {
    out.push('WHATSAPP_CLOUD_ACCESS_TOKEN does not look like an access token (letters and digits, usually starting with EAA): copy it again from the system user page.');
  }
  if (c.WHATSAPP_CLOUD_APP_SECRET && !/^[A-Za-z0-9]{16,128}$/.test(c.WHATSAPP_CLOUD_APP_SECRET)) {
    out.push('WHATSAPP_CLOUD_APP_SECRET does not look like an app secret (32 letters and digits): copy it from App settings > Basic.');
  }
  if (c.WHATSAPP_CLOUD_VERIFY_TOKEN && !/^[A-Za-z0-9_-]{16,256}$/.test(c.WHATSAPP_CLOUD_VERIFY_TOKEN)) {
    out.push('WHATSAPP_CLOUD_VERIFY_TOKEN must be 16-256 characters of A-Z a-z 0-9 _ - (a random word you also type into the webhook form).');
  }
  return out;
}

/** The TLS settings for a Redis client: the CA of REDIS_TLS_CA_FILE when set (rediss:// does the rest). */
export function redisTlsCa(config: Partial<Pick<Config, 'REDIS_TLS_CA_FILE'>>): Buffer | undefined {
  return config.REDIS_TLS_CA_FILE ? readFileSync(config.REDIS_TLS_CA_FILE) : undefined;
}
