/**
 * Preloaded (`node --import tsx --import <this file>`) into a child process that runs the real
 * `src/main.ts`, so the main job's start-up and shutdown can be tested offline: every request
 * grammY makes to https://api.telegram.org goes to TEST_BOT_API_ROOT on 127.0.0.1 instead.
 * grammY's Node build fetches with node-fetch (a CommonJS require), which is wrapped here.
 */
import Module from 'node:module';

const root = process.env.TEST_BOT_API_ROOT;
if (!root?.startsWith('http://127.0.0.1:')) throw new Error('TEST_BOT_API_ROOT must be a local address');

type Fetch = ((url: string, init?: unknown) => Promise<unknown>) & { default?: Fetch };
type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
const load = loader._load;
loader._load = function (request, parent, isMain) {
  const loaded = load.call(this, request, parent, isMain);
  if (request !== 'node-fetch') return loaded;
  const original = loaded as Fetch;
  // grammY passes an https agent for api.telegram.org; the local server speaks plain http.
  const redirected: Fetch = (url, init) =>
    original(String(url).replace(/^https:\/\/api\.telegram\.org(?=\/)/, root), {
      ...(init as object),
      agent: undefined,
    });
  return Object.assign(redirected, original, { default: redirected });
};
