/* global document, fetch, window */
// The conversation preview page. Plain browser JavaScript, no build step: it talks to src/preview/server.ts.
'use strict';

const $ = (id) => document.getElementById(id);
const LEVEL_NAMES = {
  urgent: 'urgent: danger now',
  forced_labour_signs: 'forced-labour signs',
  rights_violations: 'rights violations',
  no_signs: 'no clear signs',
};

let meta = null;
let sessionId = null;
let busy = false;
/** A conversation has been started once (on opening, or with the button). */
let started = false;

async function api(path, body) {
  const init = body === undefined ? undefined : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
}

function sign(id, strength) {
  const info = meta && meta.indicators[id];
  const title = info ? `${info.name} (${info.dimension}, ${strength})` : id;
  return el('span', { class: `sign ${info ? info.dimension : ''} ${strength}`, title, text: strength === 'possible' ? `${id}?` : id });
}

function scrollDown() {
  const chat = $('chat');
  chat.scrollTop = chat.scrollHeight;
}

// === Menus and problems

function fillSelect(select, options, keep) {
  const previous = keep ? select.value : '';
  select.replaceChildren(...options.map(([value, label]) => el('option', { value, text: label })));
  if (options.some(([v]) => v === previous)) select.value = previous;
}

async function refreshMeta() {
  const next = await api('/api/meta');
  const reloaded = meta !== null && next.generation !== meta.generation;
  meta = next;
  fillSelect($('flow'), meta.flows.map((f) => [f.id, `${f.id} (version ${f.version})`]), true);
  if (!meta.flows.some((f) => f.id === $('flow').value) && meta.defaultFlow) $('flow').value = meta.defaultFlow;
  const languages = meta.languages.map((l) => [l.code, `${l.name} (${l.code})`]);
  fillSelect($('start-lang'), [['', 'Ask her (language menu)'], ...languages], true);
  fillSelect($('switch-lang'), languages, true);
  $('problems').hidden = meta.ok;
  $('problem-lines').textContent = meta.problems.join('\n');
  if (reloaded && meta.ok) {
    $('notice').hidden = false;
    $('notice').textContent = `Flows and texts reloaded at ${new Date().toLocaleTimeString()}. Your next answer uses them.`;
  }
  // Nothing to chat with until a version of the flows loads (the preview started with broken files).
  if (!started && meta.flows.length > 0) await start();
}

// === The chat

function disableOldButtons() {
  for (const b of document.querySelectorAll('#chat .keyboard button')) b.disabled = true;
}

function showMessages(messages) {
  const chat = $('chat');
  for (const m of messages) {
    chat.append(el('div', { class: `bubble bot ${m.type}`, 'data-type': m.type, text: m.text }));
    if (m.type === 'question') {
      // Like Telegram: numbered buttons, two per row when short, then the help/exit row.
      const buttons = m.choices.map((c, i) =>
        el('button', { type: 'button', text: `${i + 1}. ${c.label}`, 'data-choice': c.id, onclick: () => choose(m, c, i) }),
      );
      const two = buttons.every((b) => b.textContent.length <= 20);
      const nav = m.nav
        .filter((n) => !m.choices.some((c) => c.id === n.id))
        .map((n) => el('button', { type: 'button', text: n.label, 'data-nav': n.id, onclick: () => command(n.id, n.label) }));
      const keyboard = el('div', { class: `keyboard${two ? ' two' : ''}` }, buttons);
      if (nav.length > 0) keyboard.append(el('div', { class: 'nav' }, nav));
      chat.append(keyboard, el('div', { class: 'hint', text: m.hint }));
    }
    if (m.exit) {
      sessionId = null;
      chat.append(el('div', { class: 'system', text: 'The conversation ended and was wiped. Start a new one above.' }));
    }
  }
  scrollDown();
}

function showTurn(turn) {
  showMessages(turn.messages);
  showState(turn.state, turn.messages);
}

async function step(echo, request) {
  if (busy) return;
  busy = true;
  try {
    if (echo) $('chat').append(el('div', { class: 'bubble user', text: echo }));
    disableOldButtons();
    showTurn(await request());
  } catch (err) {
    $('chat').append(el('div', { class: 'system urgent', text: `Preview error: ${err.message}` }));
    scrollDown();
  } finally {
    busy = false;
  }
}

function choose(question, choice, index) {
  if (!sessionId) return;
  void step(`${index + 1}. ${choice.label}`, () =>
    api('/api/turn', { sessionId, input: { kind: 'choice', id: choice.id, step: question.id } }),
  );
}

function command(name, label) {
  if (!sessionId) return;
  void step(label, () => api('/api/turn', { sessionId, input: { kind: 'command', command: name } }));
}

async function start() {
  started = true;
  $('chat').replaceChildren();
  $('notice').hidden = true;
  sessionId = null;
  const lang = $('start-lang').value || null;
  await step(null, async () => {
    const turn = await api('/api/start', { flow: $('flow').value, lang });
    sessionId = turn.sessionId;
    return turn;
  });
}

// === The panel

function showState(state, messages) {
  const question = [...messages].reverse().find((m) => m.type === 'question');
  $('state-step').textContent = state.active ? state.step : '(ended)';
  $('state-type').textContent = state.active ? `${state.stepType || ''} · flow ${state.flow} · language ${state.lang || 'not chosen'}` : '';
  if (state.lang) $('switch-lang').value = state.lang;

  // The flow's own answers (with how strong each sign is and where each leads) when the screen is a
  // question of the flow; other screens (language menu, after an urgent answer, result) list their buttons.
  const fromFlow = question && question.id === state.step ? state.choices : [];
  const rows = (question ? question.choices : []).map((c) => {
    const known = fromFlow.find((f) => f.id === c.id);
    const signals = known ? known.signals : c.signals.map((id) => ({ id, strength: 'strong' }));
    return el('tr', {}, [
      el('td', {}, [el('code', { text: c.id })]),
      el('td', {}, signals.length > 0 ? signals.map((s) => sign(s.id, s.strength)) : [el('span', { class: 'muted', text: 'no sign' })]),
      el('td', known ? { class: 'muted', text: `→ ${known.next}` } : {}),
      el('td', c.urgent ? { class: 'urgent', text: '⚠ urgent' } : {}),
    ]);
  });
  $('state-choices').replaceChildren(...rows);

  $('state-answers').replaceChildren(
    ...state.answers.map((a) =>
      el('li', {}, [
        el('code', { text: `${a.step} → ${a.choice}` }),
        ' ',
        ...a.signals.map((s) => sign(s.id, s.strength)),
        ...(a.urgent ? [el('span', { class: 'urgent', text: ' ⚠ urgent' })] : []),
      ]),
    ),
  );
  $('state-signs').replaceChildren(
    ...(state.signs.length > 0
      ? state.signs.map((s) => el('li', {}, [sign(s.id, s.strength), ` ${s.name} (${s.dimension}${s.strength === 'possible' ? ', possible' : ''})`]))
      : [el('li', { class: 'muted', text: 'none yet' })]),
  );

  $('result-title').textContent = state.finished ? 'Result' : 'Result if it ended now';
  $('state-level').textContent = LEVEL_NAMES[state.level] || state.level;
  $('state-level').className = `level-${state.level}`;
  $('state-level').setAttribute('data-level', state.level);
  $('state-involuntary').textContent = state.dimensions.involuntary.join(', ') || '–';
  $('state-coercion').textContent = state.dimensions.coercion.join(', ') || '–';
  $('state-contacts').replaceChildren(...state.contacts.map((c) => el('li', { text: `${c.name}: ${c.phone}` })));
}

// === Wiring

window.addEventListener('DOMContentLoaded', async () => {
  $('start-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void start();
  });
  $('type-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('typed').value;
    if (!text.trim() || !sessionId) return;
    $('typed').value = '';
    void step(text, () => api('/api/turn', { sessionId, input: { kind: 'text', text } }));
  });
  $('switch-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const lang = $('switch-lang').value;
    const name = $('switch-lang').selectedOptions[0]?.textContent || lang;
    if (!sessionId) return;
    $('chat').append(el('div', { class: 'system', text: `Shown in ${name} (as if she typed LANGUAGE and chose it)` }));
    void step(null, () => api('/api/language', { sessionId, lang }));
  });
  // Opening the page starts a conversation, with the last good version of the flows if the files
  // are broken now (the problems show above it).
  await refreshMeta();
  // Live reload: the server reloads flows/ and locales/ when they change; show it here.
  window.setInterval(() => void refreshMeta().catch(() => {}), 2000);
});
