import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startPreviewServer, type PreviewServer } from '../../src/preview/server.js';
import { previewRoot } from './preview-root.js';

let preview: PreviewServer | undefined;
const config = { SESSION_TTL_HOURS: 1, RESUME_PROMPT_MINUTES: 30 };

afterEach(async () => {
  await preview?.close();
  preview = undefined;
});

async function start(root: string, watch = false): Promise<PreviewServer> {
  preview = await startPreviewServer({ root, port: 0, config, logger: createLogger('silent'), watch, print: () => {} });
  return preview;
}

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(new URL(path, preview!.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A raw request, to send the headers a browser on another site would. */
function raw(path: string, headers: Record<string, string>, method = 'GET', body = ''): Promise<number> {
  const url = new URL(path, preview!.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: url.port, path, method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the preview server', () => {
  it('listens on 127.0.0.1 only and serves the page, its script and its style', async () => {
    const p = await start(previewRoot().root);
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(p.url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<script src="/app.js" defer></script>');
    expect((await fetch(new URL('/app.js', p.url))).status).toBe(200);
    expect((await fetch(new URL('/style.css', p.url))).status).toBe(200);
    expect((await fetch(new URL('/nothing', p.url))).status).toBe(404);
  });

  it('refuses pages from other sites: another Host, or a form post that is not JSON', async () => {
    const p = await start(previewRoot().root);
    const port = new URL(p.url).port;
    expect(await raw('/api/meta', { Host: `evil.example:${port}` })).toBe(403);
    expect(await raw('/api/meta', { Host: `localhost:${port}` })).toBe(200);
    expect(await raw('/api/start', { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/x-www-form-urlencoded' }, 'POST', 'flow=x')).toBe(415);
  });

  it('runs a conversation with the real engine and reports the step, signs and result', async () => {
    const { root } = previewRoot();
    await start(root);
    const started = await post('/api/start', { flow: 'self-assessment', lang: 'en' });
    expect(started.status).toBe(200);
    const sessionId = started.json.sessionId as string;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.json.state).toMatchObject({ active: true, step: 'passport', stepType: 'question', lang: 'en', level: 'no_signs' });
    // The answers of the step as the flow has them: where each leads, and how strong each sign is.
    // Anyone but herself keeping the passport leads to the bank-card follow-up.
    expect((started.json.state as { choices: unknown[] }).choices).toEqual([
      { id: 'self', next: 'job_promised', signals: [], urgent: false },
      { id: 'employer', next: 'bank_card', signals: [{ id: 'retention_of_documents', strength: 'strong' }], urgent: false },
      { id: 'agency', next: 'bank_card', signals: [{ id: 'retention_of_documents', strength: 'strong' }], urgent: false },
      {
        id: 'lender',
        next: 'bank_card',
        signals: [
          { id: 'retention_of_documents', strength: 'strong' },
          { id: 'debt_bondage', strength: 'strong' },
        ],
        urgent: false,
      },
      { id: 'unsure', next: 'bank_card', signals: [{ id: 'retention_of_documents', strength: 'strong' }], urgent: false },
    ]);

    const turn = await post('/api/turn', { sessionId, input: { kind: 'choice', id: 'lender', step: 'passport' } });
    expect(turn.json.state).toMatchObject({
      step: 'bank_card',
      answers: [{ step: 'passport', choice: 'lender', urgent: false }],
      signs: [
        { id: 'retention_of_documents', strength: 'strong', dimension: 'coercion' },
        { id: 'debt_bondage', strength: 'strong', dimension: 'coercion' },
      ],
      level: 'rights_violations',
      dimensions: { involuntary: [], coercion: ['retention_of_documents', 'debt_bondage'] },
      finished: false,
    });

    // A possible sign is listed, but does not raise the level.
    const unsure = await post('/api/turn', { sessionId, input: { kind: 'choice', id: 'unsure', step: 'bank_card' } });
    expect(unsure.json.state).toMatchObject({
      step: 'job_promised',
      answers: [
        { step: 'passport', choice: 'lender', urgent: false },
        { step: 'bank_card', choice: 'unsure', urgent: false },
      ],
      signs: [
        { id: 'retention_of_documents', strength: 'strong', dimension: 'coercion' },
        { id: 'debt_bondage', strength: 'strong', dimension: 'coercion' },
        { id: 'withholding_of_wages', strength: 'possible', dimension: 'coercion' },
      ],
      level: 'rights_violations',
      dimensions: { involuntary: [], coercion: ['retention_of_documents', 'debt_bondage'] },
    });

    // Typed text is understood as on a phone: "2" at "is this job what you were told?" is "no", deception.
    const typed = await post('/api/turn', { sessionId, input: { kind: 'text', text: '2' } });
    expect(typed.json.state).toMatchObject({
      step: 'contract_copy',
      level: 'forced_labour_signs',
      dimensions: { involuntary: ['deception'], coercion: ['retention_of_documents', 'debt_bondage'] },
    });

    const exit = await post('/api/turn', { sessionId, input: { kind: 'command', command: 'exit' } });
    expect(exit.json.state).toMatchObject({ active: false, step: null });
    expect((exit.json.messages as { exit?: boolean }[]).at(-1)?.exit).toBe(true);
  });

  it('shows the same step in another language', async () => {
    const { root, languages } = previewRoot();
    await start(root);
    const other = languages.find((l) => l !== 'en')!;
    const started = await post('/api/start', { flow: 'self-assessment', lang: 'en' });
    const sessionId = started.json.sessionId as string;
    const english = (started.json.messages as { type: string; text: string }[]).find((m) => m.type === 'question')!;
    const switched = await post('/api/language', { sessionId, lang: other });
    const messages = switched.json.messages as { type: string; id: string; text: string }[];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ type: 'question', id: 'passport' });
    expect(messages[0]!.text).not.toBe(english.text);
    expect(switched.json.state).toMatchObject({ step: 'passport', lang: other });
  });

  it('answers bad requests in plain words', async () => {
    await start(previewRoot().root);
    expect((await post('/api/start', { flow: 'nope', lang: 'en' })).json).toEqual({ error: 'unknown flow "nope"' });
    expect((await post('/api/start', { flow: 'self-assessment', lang: 'xx' })).json).toEqual({ error: 'unknown language "xx"' });
    const unknown = await post('/api/turn', { sessionId: '00000000-0000-4000-8000-000000000000', input: { kind: 'text', text: 'hi' } });
    expect(unknown.status).toBe(404);
    const bad = await post('/api/turn', { sessionId: 'x', input: { kind: 'shout' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^bad request: /);
  });

  it('shows the problems of a broken flow, keeps the last good version, and reloads when it is fixed', async () => {
    const { root } = previewRoot();
    const flowFile = join(root, 'flows', 'self-assessment.yaml');
    const good = readFileSync(flowFile, 'utf8');
    const p = await start(root, true);
    const generation = p.sessions.meta().generation;

    // Where the checker points: the list after "signals:" of that line.
    const lines = good.split('\n');
    const line = lines.findIndex((l) => l.includes('signals: [retention_of_documents]'));
    const at = `${line + 1}:${lines[line]!.indexOf('[') + 1}`;
    writeFileSync(flowFile, good.replace('signals: [retention_of_documents]', 'signals: [retention_of_document]'));
    await expect.poll(() => p.sessions.meta().generation, { timeout: 5000 }).toBeGreaterThan(generation);
    const meta = (await (await fetch(new URL('/api/meta', p.url))).json()) as { ok: boolean; problems: string[]; flows: unknown[] };
    expect(meta.ok).toBe(false);
    expect(meta.problems).toEqual([
      `flows/self-assessment.yaml:${at}: error: step "passport" choice "employer" names the indicator "retention_of_document", which is not in flows/indicators.yaml. Did you mean "retention_of_documents"?`,
    ]);
    // The last good version still runs.
    expect(meta.flows).toHaveLength(1);
    expect((await post('/api/start', { flow: 'self-assessment', lang: 'en' })).status).toBe(200);

    writeFileSync(flowFile, good);
    await expect.poll(() => p.sessions.meta().ok, { timeout: 5000 }).toBe(true);
  });

  it('lists a misspelt step name once, with one note for the steps it cuts off', async () => {
    const { root } = previewRoot();
    const flowFile = join(root, 'flows', 'self-assessment.yaml');
    // "wages" is reached only from "other_work": misspelt there, it cuts off every step after it.
    const good = readFileSync(flowFile, 'utf8');
    expect(good.match(/next: wages\n/g)).toHaveLength(1);
    writeFileSync(flowFile, good.replace('next: wages\n', 'next: wagse\n'));
    const p = await start(root);
    expect(p.sessions.meta().problems).toEqual([
      expect.stringMatching(/^flows\/self-assessment\.yaml:\d+:\d+: error: step "other_work" points to "wagse", which does not exist\. Did you mean "wages"\?$/),
      expect.stringMatching(/^flows\/self-assessment\.yaml: \d+ more errors are not shown: /),
    ]);
    // Broken from the start: nothing to chat with yet, and the page is told so.
    expect(p.sessions.meta().flows).toEqual([]);
    expect((await post('/api/start', { flow: 'self-assessment', lang: 'en' })).status).toBe(503);
  });
});
