import { afterEach, describe, expect, it, vi } from 'vitest';
import { webhookReplyEnvelope } from '../../bots/telegram/telegram-bot.js';
import { SECRET_HEADER, WEBHOOK_REPLY_WAIT_MS, WebhookServer } from '../../bots/telegram/webhook-server.js';
import { buttons } from './fake-telegram.js';
import { newUser, TelegramHarness } from './harness.js';

const WEBHOOK_SECRET = 'wh_secret_0123456789ABCDEFabcdef';
const PATH = '/telegram/hook';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const running: WebhookServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close(1000)));
});

/** The bot behind a real HTTP server on 127.0.0.1. */
async function webhook(h = new TelegramHarness({ locales: ['en', 'id'] })) {
  const handle = vi.spyOn(h.core.conversations, 'handleExclusive');
  const server = new WebhookServer({
    path: PATH,
    secretToken: WEBHOOK_SECRET,
    handleUpdate: (u) => h.bot.handleUpdate(u),
    logger: h.logger,
  });
  running.push(server);
  const port = await server.listen(0, '127.0.0.1');
  const post = (body: unknown, secret: string | null = WEBHOOK_SECRET, path = PATH) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret === null ? {} : { [SECRET_HEADER]: secret }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { h, server, port, post, handle };
}

/** Makes every turn take `ms` longer, as a slow Redis would. */
function slowTurns(h: TelegramHarness, ms: number, order: string[] = []) {
  const original = h.core.conversations.handleExclusive.bind(h.core.conversations);
  return vi.spyOn(h.core.conversations, 'handleExclusive').mockImplementation(async (...args) => {
    const input = args[1];
    const label = input.kind === 'text' ? input.text : input.kind;
    order.push(`start ${label}`);
    await sleep(ms);
    const outcome = await original(...args);
    order.push(`end ${label}`);
    return outcome;
  });
}

describe('the webhook server', () => {
  it('rejects a wrong secret with 401; the update never reaches the engine', async () => {
    const { h, post, handle, server } = await webhook();
    const user = newUser();
    const res = await post(h.fake.text(user, '/start en'), 'not-the-secret-at-all-0123456789');
    expect(res.status).toBe(401);
    await server.idle();
    expect(handle).not.toHaveBeenCalled();
    expect(h.fake.calls).toEqual([]);
    expect(h.store.keys.size).toBe(0);
  });

  it('rejects a missing secret with 401, and a secret of the right length but wrong', async () => {
    const { h, post, handle } = await webhook();
    const user = newUser();
    expect((await post(h.fake.text(user, '/start'), null)).status).toBe(401);
    expect((await post(h.fake.text(user, '/start'), WEBHOOK_SECRET.slice(0, -1) + 'X')).status).toBe(401);
    expect((await post(h.fake.text(user, '/start'), '')).status).toBe(401);
    expect(handle).not.toHaveBeenCalled();
  });

  it('accepts the right secret with 200, and the reply goes out', async () => {
    const { h, post, server, handle } = await webhook();
    const user = newUser();
    const res = await post(h.fake.text(user, '/start id'));
    expect(res.status).toBe(200);
    await server.idle();
    expect(handle).toHaveBeenCalledOnce();
    expect(h.sentTexts(user.id)).toEqual([h.t('id', 'privacy.promise'), h.t('id', 'q.passport.text')]);
  });

  it('answers /health with 200; anything else with 404, 405 or 400, without reaching the engine', async () => {
    const { h, post, port, handle } = await webhook();
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}${PATH}`)).status).toBe(405);
    expect((await post(h.fake.text(newUser(), 'hi'), WEBHOOK_SECRET, '/other')).status).toBe(404);
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ message: {} })).status).toBe(400);
    expect(handle).not.toHaveBeenCalled();
  });

  it('malformed updates with the right secret are dropped or ignored; the server goes on serving', async () => {
    const { h, post, server } = await webhook();
    const user = newUser();
    const bodies: [unknown, number][] = [
      ['[]', 400],
      ['null', 400],
      ['"update"', 400],
      [{ update_id: 'x' }, 400],
      [{ update_id: 1.5 }, 400],
      ['{"update_id": 1, "message": ', 400],
      [{ update_id: 71 }, 200],
      [{ update_id: 72, message: null }, 200],
      [{ update_id: 73, message: { text: 'exit' } }, 200],
      [{ update_id: 74, callback_query: { id: '5', data: 42 } }, 200],
      [{ update_id: 75, edited_message: { chat: { id: user.id, type: 'private' }, text: 'exit' } }, 200],
      [{ update_id: 76, some_future_update: {} }, 200],
    ];
    for (const [body, status] of bodies) expect((await post(body)).status, JSON.stringify(body)).toBe(status);
    await server.idle();
    expect(h.logLines.join('')).not.toContain('update failed');
    expect((await post(h.fake.text(user, '/start en'))).status).toBe(200);
    await server.idle();
    expect(h.sentTexts(user.id)).toEqual([h.t('en', 'privacy.promise'), h.t('en', 'q.passport.text')]);
  });

  it('a body far too big for an update is refused with 413 and never parsed', async () => {
    const { post, handle } = await webhook();
    const res = await post(JSON.stringify({ update_id: 1, message: { text: 'x'.repeat(1_100_000) } }));
    expect(res.status).toBe(413);
    expect(handle).not.toHaveBeenCalled();
  });

  it('answers 200 before a slow turn is done, and a re-delivery of the same update does not run it twice', async () => {
    const { h, post, server } = await webhook();
    const handle = slowTurns(h, 400);
    const user = newUser();
    const update = h.fake.text(user, '/start en');
    const started = Date.now();
    const [first, second] = await Promise.all([post(update), post(update)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(Date.now() - started).toBeLessThan(350);
    await server.idle();
    // Telegram retries once more later (e.g. our answer was lost): still only one run.
    expect((await post(update)).status).toBe(200);
    await server.idle();
    expect(handle).toHaveBeenCalledOnce();
    expect(h.sentTexts(user.id)).toEqual([h.t('en', 'privacy.promise'), h.t('en', 'q.passport.text')]);
  });

  it("keeps one chat's updates in order even when they arrive together; other chats are not held up", async () => {
    const { h, post, server } = await webhook();
    const order: string[] = [];
    slowTurns(h, 150, order);
    const maria = newUser();
    const siti = newUser();
    await post(h.fake.text(maria, '/start en'));
    await post(h.fake.text(maria, 'first'));
    await post(h.fake.text(siti, 'other chat'));
    await server.idle();
    expect(order.indexOf('end start')).toBeLessThan(order.indexOf('start first'));
    // The other chat started while the first was still busy.
    expect(order.indexOf('start other chat')).toBeLessThan(order.indexOf('end start'));
  });

  it('a graceful stop finishes the turn in flight and refuses new updates with 503', async () => {
    const { h, post, server, port } = await webhook();
    slowTurns(h, 300);
    const user = newUser();
    expect((await post(h.fake.text(user, '/start en'))).status).toBe(200);
    const closing = server.close(5000);
    await sleep(20);
    const late = await post(h.fake.text(user, 'late')).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    await closing;
    expect(h.sentTexts(user.id)).toEqual([h.t('en', 'privacy.promise'), h.t('en', 'q.passport.text')]);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});

describe('several instances sharing one store', () => {
  it('a re-delivered update is handled once, whichever instance it reaches (the update id is claimed in the store)', async () => {
    const shared = new TelegramHarness({ locales: ['en'] });
    const handled: number[] = [];
    const servers = [0, 1].map(
      () =>
        new WebhookServer({
          path: PATH,
          secretToken: WEBHOOK_SECRET,
          handleUpdate: async (u) => void handled.push(u.update_id),
          logger: shared.logger,
          claim: (id) => shared.core.store.claimOnce(`telegram:1:${id}`, 3600),
        }),
    );
    running.push(...servers);
    const ports = await Promise.all(servers.map((s) => s.listen(0, '127.0.0.1')));
    const update = shared.fake.text(newUser(), '1');
    for (const port of [...ports, ...ports]) {
      const res = await fetch(`http://127.0.0.1:${port}${PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: WEBHOOK_SECRET },
        body: JSON.stringify(update),
      });
      expect(res.status).toBe(200);
    }
    await Promise.all(servers.map((s) => s.idle()));
    expect(handled).toEqual([update.update_id]);
  });

  it('when the store cannot answer, the update is still handled (never dropped for a store failure)', async () => {
    const h = new TelegramHarness({ locales: ['en'] });
    const handled: number[] = [];
    const server = new WebhookServer({
      path: PATH,
      secretToken: WEBHOOK_SECRET,
      handleUpdate: async (u) => void handled.push(u.update_id),
      logger: h.logger,
      claim: () => Promise.reject(new Error('ECONNREFUSED')),
    });
    running.push(server);
    const port = await server.listen(0, '127.0.0.1');
    const update = h.fake.text(newUser(), '1');
    await fetch(`http://127.0.0.1:${port}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: WEBHOOK_SECRET },
      body: JSON.stringify(update),
    });
    await server.idle();
    expect(handled).toEqual([update.update_id]);
  });
});

describe('a tap is answered in the webhook response (two outgoing requests per tap, not three)', () => {
  async function replying(h: TelegramHarness) {
    const server = new WebhookServer({
      path: PATH,
      secretToken: WEBHOOK_SECRET,
      handleUpdate: (u, reply) => h.bot.handleUpdate(u, reply && webhookReplyEnvelope(h.bot.api, reply)),
      logger: h.logger,
    });
    running.push(server);
    const port = await server.listen(0, '127.0.0.1');
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${port}${PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: WEBHOOK_SECRET },
        body: JSON.stringify(body),
      });
    return { server, post };
  }

  it('the response carries answerCallbackQuery; she sees the same; only the edit and the next question go out', async () => {
    const h = new TelegramHarness({ locales: ['en'], webhookReplies: true });
    const { server, post } = await replying(h);
    const user = newUser();
    expect(await (await post(h.fake.text(user, '/start en'))).text()).toBe('');
    await server.idle();
    const asked = h.fake.lastQuestion(user.id)!;
    const before = h.fake.calls.length;
    const tap = h.fake.tap(
      user,
      asked.id,
      buttons(asked).find((b) => b.callback_data.startsWith('c|'))!.callback_data,
    );
    const res = await post(tap);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      method: 'answerCallbackQuery',
      callback_query_id: tap.callback_query!.id,
    });
    await server.idle();
    // Outgoing requests for the tap: the old buttons removed, the next question sent.
    expect(h.fake.calls.slice(before).map((c) => c.method)).toEqual([
      'editMessageReplyMarkup',
      'sendMessage',
    ]);
    expect(buttons(h.fake.visible(user.id).find((m) => m.id === asked.id)!)).toEqual([]);
    expect(h.fake.lastQuestion(user.id)?.text).not.toBe(asked.text);
  });

  it('quick exit by a tap: the tap is answered in the response and the chat is erased all the same', async () => {
    const h = new TelegramHarness({ locales: ['en'], webhookReplies: true });
    const { server, post } = await replying(h);
    const user = newUser();
    await post(h.fake.text(user, '/start en'));
    await server.idle();
    const res = await post(h.fake.tap(user, h.fake.lastQuestion(user.id)!.id, 'n|exit'));
    expect(await res.json()).toMatchObject({ method: 'answerCallbackQuery' });
    await server.idle();
    expect(h.fake.visible(user.id).map((m) => m.text)).toEqual([h.t('en', 'exit.done')]);
    expect(h.fake.callsOf('answerCallbackQuery')).toEqual([]);
  });

  it('a tap whose turn cannot start in time gets an empty response, and is answered with a request of its own', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const late: string[] = [];
    const server = new WebhookServer({
      path: PATH,
      secretToken: WEBHOOK_SECRET,
      handleUpdate: async (_u, reply) => {
        await held;
        // What grammY does with the envelope once the turn gets to the tap:
        const api = { answerCallbackQuery: async (id: string) => void late.push(id) } as never;
        await webhookReplyEnvelope(api, reply!).send(
          JSON.stringify({ method: 'answerCallbackQuery', callback_query_id: 'q7' }),
        );
      },
      logger: new TelegramHarness().logger,
    });
    running.push(server);
    const port = await server.listen(0, '127.0.0.1');
    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${port}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: WEBHOOK_SECRET },
      body: JSON.stringify({ update_id: 900, callback_query: { id: 'q7', data: 'o' } }),
    });
    expect(await res.text()).toBe('');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(WEBHOOK_REPLY_WAIT_MS - 50);
    expect(Date.now() - t0).toBeLessThan(WEBHOOK_REPLY_WAIT_MS + 1500);
    release();
    await server.idle();
    expect(late).toEqual(['q7']);
  });
});
