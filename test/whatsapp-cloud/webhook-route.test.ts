import { describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES, SIGNATURE_HEADER } from '../../bots/whatsapp-cloud/webhook-route.js';
import {
  APP_SECRET,
  CloudHarness,
  cloudHarnesses,
  newWaId,
  PATH,
  sign,
  VERIFY_TOKEN,
  webhookBody,
} from './harness.js';

const harness = cloudHarnesses({});

const get = (h: CloudHarness, query: string) => fetch(`http://127.0.0.1:${h.port}${PATH}?${query}`);

describe('the Cloud API webhook: verification handshake', () => {
  it('echoes hub.challenge when the verify token matches', async () => {
    const h = await harness();
    const res = await get(h, `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1158201444');
  });

  it('refuses a wrong, missing or almost-right verify token with 403 and echoes nothing', async () => {
    const h = await harness();
    for (const query of [
      'hub.mode=subscribe&hub.verify_token=wrong-token-0123456789&hub.challenge=42',
      'hub.mode=subscribe&hub.challenge=42',
      `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN.slice(0, -1)}X&hub.challenge=42`,
      `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`,
    ]) {
      const res = await get(h, query);
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('');
    }
  });
});

describe('the Cloud API webhook: signed posts only', () => {
  it('a signed post is answered 200 and her message is answered', async () => {
    const h = await harness();
    const from = newWaId();
    const res = await h.deliver(from, { type: 'text', text: { body: 'start en' } });
    expect(res.status).toBe(200);
    expect(h.graph.to(from).length).toBeGreaterThan(0);
  });

  it('refuses with 401 a post with no signature, a wrong one, one made with another secret, and a tampered body; none is parsed', async () => {
    const h = await harness();
    const parse = vi.spyOn(JSON, 'parse');
    const handle = vi.spyOn(h.core.conversations, 'handle');
    const from = newWaId();
    const raw = JSON.stringify(webhookBody(from, { type: 'text', text: { body: 'start' } }));
    const tampered = raw.replace('"start"', '"exit"');
    for (const [body, signature] of [
      [raw, null],
      [raw, 'sha256=' + '0'.repeat(64)],
      [raw, sign(raw, 'another0secret0of0the0same0length')],
      [raw, sign(raw).toUpperCase().replace('SHA256=', 'sha1=')],
      [raw, 'garbage'],
      [tampered, sign(raw)],
    ] as const) {
      const res = await h.post(body, signature);
      expect(res.status).toBe(401);
    }
    await h.cloud.channel.idle();
    expect(parse.mock.calls.filter(([text]) => String(text).includes('whatsapp_business_account'))).toEqual(
      [],
    );
    parse.mockRestore();
    expect(handle).not.toHaveBeenCalled();
    expect(h.graph.calls).toBe(0);
    // Refusals are logged without anything of the request.
    const refusals = h.logLines.filter((l) => l.includes('refused'));
    expect(refusals.length).toBe(6);
    for (const line of refusals) {
      expect(line).not.toContain(from);
      expect(line).not.toContain('Siti');
      expect(line).not.toContain('sha256=');
    }
  });

  it('refuses a body over 3 MB with 413, by its length or once read', async () => {
    const h = await harness();
    const handle = vi.spyOn(h.core.conversations, 'handle');
    const big = 'x'.repeat(MAX_BODY_BYTES + 1);
    const res = await h.post(big, sign(big));
    expect(res.status).toBe(413);
    // Sent in chunks, without a length: refused once more than 3 MB have come.
    const chunks = [Buffer.alloc(MAX_BODY_BYTES, 32), Buffer.from('{}')];
    const streamed = await fetch(`http://127.0.0.1:${h.port}${PATH}`, {
      method: 'POST',
      headers: { [SIGNATURE_HEADER]: sign('{}') },
      body: new ReadableStream({
        pull(c) {
          const next = chunks.shift();
          if (next) c.enqueue(next);
          else c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(handle).not.toHaveBeenCalled();
  });

  it('answers 200 before the turn is done (Meta re-delivers what is not answered quickly)', async () => {
    const h = await harness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const original = h.core.conversations.handle.bind(h.core.conversations);
    vi.spyOn(h.core.conversations, 'handle').mockImplementation(async (...args) => {
      await gate;
      return original(...args);
    });
    const from = newWaId();
    const res = await h.post(webhookBody(from, { type: 'text', text: { body: 'start' } }));
    expect(res.status).toBe(200);
    expect(h.graph.to(from)).toEqual([]);
    release();
    await h.cloud.channel.idle();
    expect(h.graph.to(from).length).toBeGreaterThan(0);
  });

  it('other methods get 405, other paths 404, and the app secret never appears in a log line', async () => {
    const h = await harness();
    expect((await fetch(`http://127.0.0.1:${h.port}${PATH}`, { method: 'PUT' })).status).toBe(405);
    expect((await fetch(`http://127.0.0.1:${h.port}/elsewhere`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${h.port}/health`)).status).toBe(200);
    expect(h.logLines.join('\n')).not.toContain(APP_SECRET);
  });
});
