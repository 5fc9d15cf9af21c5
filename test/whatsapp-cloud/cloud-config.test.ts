import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, whatsAppCloudEnabled } from '../../src/config.js';
import { ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, VERIFY_TOKEN } from './harness.js';

const CLOUD = {
  WHATSAPP_CLOUD_ACCESS_TOKEN: ACCESS_TOKEN,
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
  WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
  WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
};

describe('WhatsApp Cloud API settings', () => {
  it('none set: the channel is off; all four set: on, with the default webhook path', () => {
    expect(whatsAppCloudEnabled(loadConfig({}))).toBe(false);
    const c = loadConfig(CLOUD);
    expect(whatsAppCloudEnabled(c)).toBe(true);
    expect(c.WHATSAPP_CLOUD_WEBHOOK_PATH).toBe('/whatsapp');
    expect(c.WHATSAPP_CLOUD_GRAPH_ROOT).toBeUndefined();
  });

  it('some set but not all: the missing ones are named', () => {
    const env = { WHATSAPP_CLOUD_ACCESS_TOKEN: ACCESS_TOKEN, WHATSAPP_CLOUD_APP_SECRET: APP_SECRET };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(
      'missing: WHATSAPP_CLOUD_PHONE_NUMBER_ID, WHATSAPP_CLOUD_VERIFY_TOKEN',
    );
  });

  it('each wrong value is named, all at once, with the other wrong settings', () => {
    const env = {
      ...CLOUD,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: '+852 3000 1234',
      WHATSAPP_CLOUD_APP_SECRET: 'short',
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'has spaces in it, not allowed',
      WHATSAPP_CLOUD_WEBHOOK_PATH: 'whatsapp',
      WHATSAPP_CLOUD_GRAPH_ROOT: 'http://127.0.0.1:9000/v23.0',
      PORT: 'x',
    };
    let message = '';
    try {
      loadConfig(env);
    } catch (err) {
      message = (err as Error).message;
    }
    for (const name of [
      'WHATSAPP_CLOUD_PHONE_NUMBER_ID: must be the phone number id',
      'WHATSAPP_CLOUD_WEBHOOK_PATH: must be a path such as /whatsapp',
      'WHATSAPP_CLOUD_GRAPH_ROOT: must be the root address of a Graph API server',
      'PORT: must be a whole number',
      'WHATSAPP_CLOUD_APP_SECRET does not look like an app secret',
      'WHATSAPP_CLOUD_VERIFY_TOKEN must be 16-256 characters',
    ]) {
      expect(message).toContain(name);
    }
    // The values themselves are not repeated (the token and secret are like passwords).
    expect(message).not.toContain(ACCESS_TOKEN);
  });
});
