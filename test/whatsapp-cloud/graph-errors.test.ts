import { describe, expect, it } from 'vitest';
import { CLOUD_CHANNEL } from '../../bots/whatsapp-cloud/cloud-channel.js';
import { chatRef } from '../../src/privacy.js';
import { textOf } from './fake-graph.js';
import { ACCESS_TOKEN, CloudHarness, cloudHarnesses, newWaId, TEST_SECRET } from './harness.js';

/*
 * Meta's Graph API says no: rate limits are waited out and retried, other refusals give up, and
 * wherever she can still be reached she gets the emergency contacts. Nothing of her, and nothing
 * of Meta's error text (which can quote her number), is logged.
 */

const harness = cloudHarnesses({ locales: ['en', 'id'] });

function expectNothingOfHer(h: CloudHarness, from: string): void {
  const logs = h.logLines.join('\n');
  expect(logs).not.toContain(from);
  expect(logs).not.toContain('Siti');
  expect(logs).not.toContain(ACCESS_TOKEN);
}

describe('Graph API errors', () => {
  it.each([
    [4, 400],
    [80007, 400],
    [130429, 400],
    [131056, 400],
    [131000, 500],
  ])('code %i is retried after a wait, and the reply still goes out in order', async (code, status) => {
    const h = await harness();
    const from = newWaId();
    h.graph.fail({ status, code, message: `(#${code}) limit for ${from}` }, 2);
    const replies = await h.say(from, 'start en');
    expect(replies).toEqual([
      h.t('en', 'privacy.promise'),
      expect.stringContaining(h.t('en', 'q.passport.text')),
    ]);
    expect(h.graph.calls).toBe(4);
    expectNothingOfHer(h, from);
  });

  it('a rate limit that outlasts the retries gives up and sends the emergency contacts', async () => {
    const h = await harness();
    const from = newWaId();
    h.graph.fail({ status: 400, code: 131056 }, 3);
    const replies = await h.say(from, 'start en');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(h.t('en', 'error.sorry'));
    expect(replies[0]).toContain('999');
    const line = h.logLines.find((l) => l.includes('rate limit'))!;
    expect(JSON.parse(line).graphCode).toBe(131056);
    expectNothingOfHer(h, from);
  });

  it('an invalid access token (190) is logged with what to do, without crashing; the next message is handled', async () => {
    const h = await harness({ accessToken: 'EAAexpiredTokenNoLongerValid0123456789' });
    const from = newWaId();
    expect((await h.deliver(from, { type: 'text', text: { body: 'start en' } })).status).toBe(200);
    expect(h.graph.sent).toEqual([]);
    // One refused send; no help numbers tried (nothing can reach her without a token).
    expect(h.graph.calls).toBe(1);
    const line = h.logLines.find((l) => l.includes('WHATSAPP_CLOUD_ACCESS_TOKEN'))!;
    expect(JSON.parse(line)).toMatchObject({ level: 50, graphCode: 190 });
    expect((await h.deliver(from, { type: 'text', text: { body: '1' } })).status).toBe(200);
    expect(h.graph.calls).toBe(2);
    // The turn itself was kept: her answer counts once the token is fixed.
    expect((await h.core.store.read(chatRef(TEST_SECRET, CLOUD_CHANNEL, from)))!.value.s.answers).toEqual({
      passport: 'self',
    });
    expectNothingOfHer(h, from);
  });

  it('a recipient not on WhatsApp (131026) is not retried and gets nothing more; nothing of her is logged', async () => {
    const h = await harness();
    const from = newWaId();
    h.graph.fail({ status: 400, code: 131026, message: `Message Undeliverable to ${from}` });
    await h.say(from, 'start en');
    expect(h.graph.calls).toBe(1);
    expect(h.graph.sent).toEqual([]);
    const line = h.logLines.find((l) => l.includes('cannot receive'))!;
    expect(JSON.parse(line).graphCode).toBe(131026);
    expectNothingOfHer(h, from);
  });

  it('an interactive message Meta calls malformed is sent again as numbered text', async () => {
    const h = await harness();
    const from = newWaId();
    await h.say(from, 'start en');
    h.graph.fail({ status: 400, code: 131009, message: 'Parameter value is not valid' });
    await h.say(from, '1');
    const last = h.graph.to(from).at(-1)!;
    expect(last.type).toBe('text');
    expect(textOf(last)).toMatch(/\n1\) /);
    expect(textOf(last)).toContain(h.t('en', 'nav.help_hint'));
  });

  it('when the Graph API cannot be reached, the retries give up quietly and the channel keeps serving', async () => {
    const h = await harness();
    const from = newWaId();
    await h.graph.close();
    expect((await h.deliver(from, { type: 'text', text: { body: 'start en' } })).status).toBe(200);
    expect(h.logLines.some((l) => l.includes('could not be reached'))).toBe(true);
    expectNothingOfHer(h, from);
  });
});
