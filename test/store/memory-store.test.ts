import { MemorySessionStore } from '../../src/store/memory-store.js';
import { describeSessionStoreContract } from './session-store-contract.js';

describeSessionStoreContract('MemorySessionStore', async () => {
  let now = Date.UTC(2026, 10, 24, 9, 0, 0);
  const store = new MemorySessionStore(() => now);
  return {
    store,
    timeIsFake: true,
    elapse: async (seconds) => {
      now += seconds * 1000;
    },
    dispose: () => store.close(),
  };
});
