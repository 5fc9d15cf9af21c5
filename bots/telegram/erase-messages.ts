import type { Api } from 'grammy';
import type { Logger } from '../../src/log.js';
import { isMessageGone, tryApiCall } from './api-errors.js';

/** `deleteMessages` takes at most this many ids per call. */
export const DELETE_BATCH_MAX = 100;

/**
 * Deletes messages of one private chat, hers and the bot's (the Bot API allows both within 48
 * hours). Batches of up to 100 with `deleteMessages`, which skips what it cannot delete; if a batch
 * call fails, one `deleteMessage` per id. Messages already gone or too old are skipped silently.
 */
export async function eraseMessages(
  api: Api,
  chatId: number,
  ids: readonly number[],
  logger: Logger,
): Promise<void> {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  for (let i = 0; i < unique.length; i += DELETE_BATCH_MAX) {
    const batch = unique.slice(i, i + DELETE_BATCH_MAX);
    const done = await tryApiCall(
      logger,
      'deleteMessages',
      () => api.deleteMessages(chatId, batch),
      () => true,
    );
    if (done) continue;
    for (const id of batch) {
      await tryApiCall(logger, 'deleteMessage', () => api.deleteMessage(chatId, id), isMessageGone);
    }
  }
}
