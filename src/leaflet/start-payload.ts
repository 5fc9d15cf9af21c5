import { LeafletError } from './leaflet-error.js';

/** Telegram accepts at most this many characters after `?start=` in a deep link. */
export const TELEGRAM_START_PAYLOAD_MAX = 64;

/** Longest campaign code: short enough to print, type and count by. */
export const CAMPAIGN_MAX = 32;

/** The characters Telegram allows in a start payload; campaign codes use the same set. */
const PAYLOAD_CHARS = /^[A-Za-z0-9_-]+$/;

/**
 * Checks a campaign code (`A-Z a-z 0-9 _ -`, 1 to 32 characters) and returns it, or throws a
 * LeafletError that says what is wrong with it.
 */
export function checkCampaign(campaign: string): string {
  if (campaign.length === 0)
    throw new LeafletError('The campaign code is empty. Use e.g. --campaign mfmw2026.');
  if (!PAYLOAD_CHARS.test(campaign)) {
    const bad = [...new Set([...campaign].filter((ch) => !/[A-Za-z0-9_-]/.test(ch)))];
    throw new LeafletError(
      `The campaign code "${campaign}" has characters a link cannot carry (${bad.map((c) => JSON.stringify(c)).join(' ')}). ` +
        'Use only the letters A-Z and a-z, the digits 0-9, "_" and "-".',
    );
  }
  if (campaign.length > CAMPAIGN_MAX) {
    throw new LeafletError(
      `The campaign code "${campaign}" is ${campaign.length} characters long; use at most ${CAMPAIGN_MAX}.`,
    );
  }
  return campaign;
}

/**
 * The start payload `<lang>-<campaign>` a leaflet link carries: the language to start in and the
 * campaign to count under (Telegram `?start=`, and the WhatsApp start text). The channels read it
 * back with their own parsers (bots/telegram/update-input.ts, bots/whatsapp-common/start-text.ts).
 * Throws a LeafletError when Telegram would refuse it.
 */
export function startPayload(lang: string, campaign: string): string {
  checkCampaign(campaign);
  if (!PAYLOAD_CHARS.test(lang))
    throw new LeafletError(`The language code "${lang}" cannot be carried in a link.`);
  const payload = `${lang}-${campaign}`;
  if (payload.length > TELEGRAM_START_PAYLOAD_MAX) {
    throw new LeafletError(
      `The link payload "${payload}" is ${payload.length} characters long; Telegram allows at most ` +
        `${TELEGRAM_START_PAYLOAD_MAX}. Use a shorter campaign code.`,
    );
  }
  return payload;
}
