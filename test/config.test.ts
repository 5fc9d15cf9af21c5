import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

/** Durations, sizes and addresses: each wrong value stops the start with one sentence naming it. */
describe('settings for durations, sizes and addresses', () => {
  it('the defaults hold together', () => {
    const c = loadConfig({});
    expect(c.SESSION_TTL_HOURS).toBe(24);
    expect(c.RESUME_PROMPT_MINUTES).toBe(30);
    expect(c.REDIS_TIMEOUT_MS).toBe(2000);
    expect(c.PORT).toBe(8080);
    expect(c.TELEGRAM_API_ROOT).toBeUndefined();
  });

  it.each([
    ['a TTL that rounds to nothing', { SESSION_TTL_HOURS: '0.0001' }, /^Bad setting\(s\):\nSESSION_TTL_HOURS: must be a number from 0\.016\d* to 720 hours \(got "0\.0001"\)/],
    ['a TTL of zero', { SESSION_TTL_HOURS: '0' }, /SESSION_TTL_HOURS: must be a number from/],
    ['a TTL that is not a number', { SESSION_TTL_HOURS: 'a day' }, /SESSION_TTL_HOURS: must be a number from .* \(got "a day"\)/],
    ['a resume prompt of no time', { RESUME_PROMPT_MINUTES: '0.01' }, /RESUME_PROMPT_MINUTES: must be a number from 0\.1 to 43200 minutes/],
    ['a Redis timeout of 10 ms', { REDIS_TIMEOUT_MS: '10' }, /REDIS_TIMEOUT_MS: must be a whole number from 50 to 60000 milliseconds \(got "10"\)/],
    ['a Redis timeout of ten minutes', { REDIS_TIMEOUT_MS: '600000' }, /REDIS_TIMEOUT_MS: must be a whole number from 50 to 60000/],
    ['a port out of range', { PORT: '70000' }, /PORT: must be a whole number from 1 to 65535 \(a TCP port\) \(got "70000"\)/],
    ['a port with a fraction', { PORT: '8080.5' }, /PORT: must be a whole number/],
    ['a Bot API root with a path', { TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/bot123' }, /TELEGRAM_API_ROOT: must be the root address of a Bot API server/],
    ['a Bot API root that is not http(s)', { TELEGRAM_API_ROOT: 'ftp://example.org' }, /TELEGRAM_API_ROOT: must be the root address/],
  ] as const)('%s', (_name, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names every wrong setting at once', () => {
    expect(() => loadConfig({ SESSION_TTL_HOURS: '0', PORT: 'x', REDIS_TIMEOUT_MS: '1' })).toThrow(
      /SESSION_TTL_HOURS: .*\nREDIS_TIMEOUT_MS: .*\nPORT: /,
    );
  });

  it('the resume prompt must come before the session expires', () => {
    expect(() => loadConfig({ SESSION_TTL_HOURS: '0.5', RESUME_PROMPT_MINUTES: '30' })).toThrow(
      'RESUME_PROMPT_MINUTES (30) must be shorter than SESSION_TTL_HOURS (0.5 h = 30 minutes)',
    );
    expect(loadConfig({ SESSION_TTL_HOURS: '0.5', RESUME_PROMPT_MINUTES: '20' }).SESSION_TTL_HOURS).toBe(0.5);
  });

  it('a one-minute TTL is the shortest accepted, and a Bot API root loses its trailing slash', () => {
    expect(loadConfig({ SESSION_TTL_HOURS: String(1 / 60), RESUME_PROMPT_MINUTES: '0.5' }).SESSION_TTL_HOURS).toBeCloseTo(1 / 60);
    expect(() => loadConfig({ SESSION_TTL_HOURS: '0.016', RESUME_PROMPT_MINUTES: '0.5' })).toThrow(/SESSION_TTL_HOURS: must be/);
    expect(loadConfig({ TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' }).TELEGRAM_API_ROOT).toBe('http://127.0.0.1:8081');
  });
});

describe('NODE_ENV and several problems at once', () => {
  it('NODE_ENV is development, production or test only', () => {
    expect(() => loadConfig({ NODE_ENV: 'prod' })).toThrow('NODE_ENV: must be development, production or test (got "prod")');
    expect(loadConfig({ NODE_ENV: 'test' }).NODE_ENV).toBe('test');
  });

  it('a setting out of range and a missing secret are named together', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', PORT: '0' })).toThrow(
      /^Bad setting\(s\):\nPORT: .*\nSESSION_SECRET is not set\. .*\nSee \.env\.example\.$/,
    );
  });
});

describe('HOST', () => {
  it('defaults to 127.0.0.1 (behind a reverse proxy); 0.0.0.0 in a container; nonsense is refused', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(() => loadConfig({ HOST: 'my server' })).toThrow('HOST: must be an address to listen on, e.g. 127.0.0.1 or 0.0.0.0');
  });
});

describe('REDIS_CLUSTER_NODES', () => {
  it('a comma-separated list of seed nodes; not together with REDIS_URL; nonsense is refused', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'redis://10.0.0.1:6379, redis://10.0.0.2:6379' }).REDIS_CLUSTER_NODES).toEqual([
      'redis://10.0.0.1:6379',
      'redis://10.0.0.2:6379',
    ]);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:6379' })).toThrow(
      "REDIS_CLUSTER_NODES: must be the cluster's seed nodes, comma-separated, each like redis://10.0.0.1:6379",
    );
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis://10.0.0.1:6379', REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      'REDIS_URL and REDIS_CLUSTER_NODES are both set',
    );
  });
});
