import { createInterface } from 'node:readline';
import type { Conversations, TurnOutcome } from '../../src/conversation.js';
import type { Input } from '../../src/engine.js';
import type { RenderedMessage } from '../../src/render.js';

/** The terminal chat: a preview of the conversation for maintainers, and a scriptable JSON protocol. */
export interface ConsoleChatOptions {
  conversations: Conversations;
  /** The chat reference for this terminal (a keyed hash, like any other chat). */
  chatRef: string;
  lang?: string;
  campaign?: string;
  /** One JSON object per line out, one input per line in. */
  json: boolean;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Formats one message for a person reading a terminal. */
export function formatForTerminal(m: RenderedMessage): string {
  if (m.type !== 'question') return `\n${m.text}\n`;
  const lines = m.choices.map((c, i) => `  ${i + 1}) ${c.label}`);
  return `\n${m.text}\n${lines.join('\n')}\n  (${m.hint})\n`;
}

/** Runs the chat until the input ends. Resolves when every line has been answered. */
export async function runConsoleChat(o: ConsoleChatOptions): Promise<void> {
  const write = (outcome: TurnOutcome) => {
    for (const m of outcome.messages) {
      o.output.write(o.json ? `${JSON.stringify(m)}\n` : formatForTerminal(m));
    }
  };
  const first: Input = o.lang || o.campaign ? { kind: 'start', lang: o.lang, campaign: o.campaign } : { kind: 'open' };
  write(await o.conversations.handle(o.chatRef, first, { channel: 'console', langHint: o.lang }));
  if (!o.json) o.output.write('> ');

  const rl = createInterface({ input: o.input, terminal: false, crlfDelay: Infinity });
  for await (const line of rl) {
    const outcome = await o.conversations.handle(o.chatRef, { kind: 'text', text: line }, { channel: 'console' });
    write(outcome);
    if (!o.json) o.output.write('> ');
  }
}
