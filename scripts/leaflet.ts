import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCheckedBundle } from '../src/app.js';
import { loadLeafletConfig } from '../src/config.js';
import { Translator } from '../src/i18n.js';
import { LeafletError } from '../src/leaflet/leaflet-error.js';
import { PAPER_SIZES, type Paper } from '../src/leaflet/leaflet-html.js';
import {
  checkChannels,
  checkLeafletRequest,
  makeLeaflet,
  type LeafletResult,
} from '../src/leaflet/make-leaflet.js';
import { PdfRenderer } from '../src/leaflet/pdf-renderer.js';
import { checkCampaign } from '../src/leaflet/start-payload.js';
import { runMain } from '../src/run-main.js';

const USAGE = `Makes leaflet links, QR codes and a printable leaflet for a language and campaign.

  npm run leaflet -- --lang <code> --campaign <code> [--out out/leaflets] [--paper A5|A6] [--no-pdf]
  npm run leaflet -- --all-languages --campaign <code> [...]

Writes <out>/<campaign>/<lang>/: links.txt, telegram-qr.svg/.png, whatsapp-qr.svg/.png,
leaflet.html and leaflet.pdf. Needs TELEGRAM_BOT_USERNAME and/or WHATSAPP_NUMBER (see .env.example)
and, for the PDF, chromium (CHROMIUM_PATH, default /usr/bin/chromium).`;

function readArgs() {
  try {
    return parseArgs({
      options: {
        lang: { type: 'string' },
        campaign: { type: 'string' },
        'all-languages': { type: 'boolean', default: false },
        out: { type: 'string', default: 'out/leaflets' },
        paper: { type: 'string', default: 'A5' },
        'no-pdf': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    throw new LeafletError(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  }
}

/** `npm run leaflet`: see USAGE. Any problem is one plain message and exit code 1. */
await runMain(async () => {
  try {
    await makeLeaflets();
  } catch (err) {
    if (!(err instanceof LeafletError)) throw err;
    console.error(err.message);
    process.exitCode = 1;
  }
});

async function makeLeaflets(): Promise<void> {
  const values = readArgs();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const campaign = values.campaign;
  if (campaign === undefined) throw new LeafletError(`--campaign is missing.\n\n${USAGE}`);
  if (!values['all-languages'] && values.lang === undefined) {
    throw new LeafletError(`Give --lang <code> or --all-languages.\n\n${USAGE}`);
  }
  if (values['all-languages'] && values.lang !== undefined) {
    throw new LeafletError('Give either --lang or --all-languages, not both.');
  }
  if (!(values.paper in PAPER_SIZES)) {
    throw new LeafletError(
      `--paper must be one of ${Object.keys(PAPER_SIZES).join(', ')} (got "${values.paper}").`,
    );
  }
  const paper = values.paper as Paper;

  // Settings and campaign first: they are wrong more often than the flows, and need no bundle.
  checkCampaign(campaign);
  const config = loadLeafletConfig();
  const channels = {
    telegramBotUsername: config.TELEGRAM_BOT_USERNAME,
    whatsappNumber: config.WHATSAPP_NUMBER,
  };
  for (const w of checkChannels(channels).warnings) console.warn(`warning: ${w}`);

  const bundle = loadCheckedBundle();
  const translator = new Translator(bundle);
  const langs = values['all-languages'] ? bundle.localeCodes : [values.lang!];
  // Every request is checked before chromium starts or a file is written.
  for (const lang of langs) checkLeafletRequest(bundle, { lang, campaign, channels });
  const outDir = resolve(values.out);

  const pdf = values['no-pdf'] ? undefined : await PdfRenderer.launch(config.CHROMIUM_PATH);
  const failed: string[] = [];
  try {
    for (const lang of langs) {
      try {
        report(
          await makeLeaflet({
            bundle,
            translator,
            request: { lang, campaign, channels },
            outDir,
            paper,
            pdf,
          }),
        );
      } catch (err) {
        if (!(err instanceof LeafletError)) throw err;
        // One language's texts too long for the page should not stop the other languages.
        console.error(`error: ${err.message}`);
        failed.push(lang);
      }
    }
  } finally {
    await pdf?.close();
  }
  if (failed.length > 0) throw new LeafletError(`No leaflet was made for: ${failed.join(', ')}.`);
}

function report(r: LeafletResult): void {
  console.log(`${r.lang}: ${r.dir}`);
  if (r.links.telegram) console.log(`  Telegram: ${r.links.telegram}`);
  if (r.links.whatsapp) console.log(`  WhatsApp: ${r.links.whatsapp}`);
}
