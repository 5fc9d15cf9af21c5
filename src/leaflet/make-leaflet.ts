import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from '../bundle.js';
import type { Translator } from '../i18n.js';
import { LeafletError } from './leaflet-error.js';
import { renderLeafletHtml, type Channel, type LeafletCode, type Paper } from './leaflet-html.js';
import { leafletTexts } from './leaflet-texts.js';
import {
  telegramLink,
  TELEGRAM_BOT_USERNAME_PATTERN,
  whatsappLink,
  WHATSAPP_NUMBER_PATTERN,
} from './links.js';
import type { PdfRenderer } from './pdf-renderer.js';
import { qrPng, qrSvg } from './qr-code.js';
import { checkCampaign, startPayload } from './start-payload.js';

/** Where the bot can be reached; an unset channel is left off the leaflet. */
export interface LeafletChannels {
  /** The Telegram bot's user name (TELEGRAM_BOT_USERNAME), without "@". */
  telegramBotUsername?: string;
  /** The WhatsApp number in international digits (WHATSAPP_NUMBER), e.g. 85212345678. */
  whatsappNumber?: string;
}

/** What a leaflet run needs to know, checked by `checkLeafletRequest` before anything is written. */
export interface LeafletRequest {
  lang: string;
  campaign: string;
  channels: LeafletChannels;
}

/** The links and files made for one language and campaign. */
export interface LeafletResult {
  lang: string;
  campaign: string;
  dir: string;
  links: Partial<Record<Channel, string>>;
  files: string[];
}

/** File names per channel; a channel that is off has its old files removed so no stale code is printed. */
const channelFiles = (c: Channel) => [`${c}-qr.svg`, `${c}-qr.png`];

/**
 * Says which channels go on a leaflet. Throws a LeafletError for a badly written setting or when no
 * channel is set; `warnings` says which channel is left off and why.
 */
export function checkChannels(set: LeafletChannels): { channels: Channel[]; warnings: string[] } {
  const { telegramBotUsername: tg, whatsappNumber: wa } = set;
  if (tg !== undefined && !TELEGRAM_BOT_USERNAME_PATTERN.test(tg)) {
    throw new LeafletError(
      `TELEGRAM_BOT_USERNAME "${tg}" is not a bot user name: 5-32 of A-Z a-z 0-9 _, ending in "bot" (as @BotFather shows it, without "@").`,
    );
  }
  if (wa !== undefined && !WHATSAPP_NUMBER_PATTERN.test(wa)) {
    throw new LeafletError(
      `WHATSAPP_NUMBER "${wa}" is not an international number in digits only (country code first, no "+" or spaces), e.g. 85212345678.`,
    );
  }
  const channels: Channel[] = [];
  const warnings: string[] = [];
  if (tg) channels.push('telegram');
  else warnings.push('TELEGRAM_BOT_USERNAME is not set: the leaflets have no Telegram code.');
  if (wa) channels.push('whatsapp');
  else warnings.push('WHATSAPP_NUMBER is not set: the leaflets have no WhatsApp code.');
  if (channels.length === 0) {
    throw new LeafletError(
      'Neither TELEGRAM_BOT_USERNAME nor WHATSAPP_NUMBER is set, so a leaflet would have no way to reach the bot. ' +
        'Set at least one of them (see .env.example).',
    );
  }
  return { channels, warnings };
}

/** Throws a LeafletError unless `lang` is one of the bot's languages. */
export function checkLanguage(bundle: Bundle, lang: string): void {
  if (!bundle.localeCodes.includes(lang)) {
    throw new LeafletError(
      `"${lang}" is not a language of the bot. Use one of: ${bundle.localeCodes.join(', ')}.`,
    );
  }
}

/**
 * Checks a whole request (language, campaign code, channels) before anything is written; see
 * `checkChannels` for what is returned.
 */
export function checkLeafletRequest(
  bundle: Bundle,
  req: LeafletRequest,
): { channels: Channel[]; warnings: string[] } {
  checkLanguage(bundle, req.lang);
  checkCampaign(req.campaign);
  startPayload(req.lang, req.campaign);
  return checkChannels(req.channels);
}

/**
 * Makes one language's leaflet set in `<outDir>/<campaign>/<lang>/`: links.txt, a QR code per
 * channel (SVG and PNG), leaflet.html and, when a PDF renderer is given, leaflet.pdf.
 */
export async function makeLeaflet(opts: {
  bundle: Bundle;
  translator: Translator;
  request: LeafletRequest;
  outDir: string;
  paper: Paper;
  pdf?: PdfRenderer;
}): Promise<LeafletResult> {
  const { bundle, translator, request, paper } = opts;
  const { lang, campaign } = request;
  const { channels } = checkLeafletRequest(bundle, request);
  const texts = leafletTexts(translator, lang);
  const { telegramBotUsername: tg, whatsappNumber: wa } = request.channels;

  const codes: LeafletCode[] = [];
  for (const channel of channels) {
    if (channel === 'telegram') {
      const link = telegramLink(tg!, lang, campaign);
      codes.push({
        channel,
        link,
        printed: link.replace(/^https:\/\//, ''),
        how: texts.telegramHow,
        svg: await qrSvg(link),
      });
    } else {
      const link = whatsappLink(wa!, lang, campaign, translator.words(lang, 'command.start.words')[0]);
      codes.push({
        channel,
        link,
        printed: `WhatsApp +${wa!}`,
        how: texts.whatsappHow,
        svg: await qrSvg(link),
      });
    }
  }
  const html = renderLeafletHtml({ texts, codes, campaign, paper });
  const pdf = opts.pdf ? await opts.pdf.render(html, paper, `${lang} (${texts.languageName})`) : undefined;

  const dir = join(opts.outDir, campaign, lang);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, data: string | Buffer) => {
    writeFileSync(join(dir, name), data);
    files.push(join(dir, name));
  };
  for (const c of ['telegram', 'whatsapp'] as const) {
    if (!channels.includes(c)) for (const f of channelFiles(c)) rmSync(join(dir, f), { force: true });
  }
  for (const code of codes) {
    write(`${code.channel}-qr.svg`, code.svg);
    write(`${code.channel}-qr.png`, await qrPng(code.link));
  }
  write(
    'links.txt',
    codes.map((c) => `${c.channel === 'telegram' ? 'Telegram' : 'WhatsApp'}: ${c.link}\n`).join(''),
  );
  write('leaflet.html', html);
  if (pdf) write('leaflet.pdf', pdf);
  else rmSync(join(dir, 'leaflet.pdf'), { force: true });

  return { lang, campaign, dir, links: Object.fromEntries(codes.map((c) => [c.channel, c.link])), files };
}
