import type { LeafletTexts } from './leaflet-texts.js';

/** Paper sizes a leaflet is laid out for (portrait). */
export const PAPER_SIZES = { A5: { width: 148, height: 210 }, A6: { width: 105, height: 148 } } as const;
export type Paper = keyof typeof PAPER_SIZES;

/** A chat app the leaflet points to. */
export type Channel = 'telegram' | 'whatsapp';

/** One QR code on the leaflet, with the line under it. */
export interface LeafletCode {
  channel: Channel;
  /** What the code holds. */
  link: string;
  /** What is printed under the code for someone who cannot scan (a short form of the link). */
  printed: string;
  /** How to use it, in her language. */
  how: string;
  /** The code as an SVG document. */
  svg: string;
}

export interface LeafletPage {
  texts: LeafletTexts;
  codes: LeafletCode[];
  campaign: string;
  paper: Paper;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe to put inside HTML (translations are data a maintainer edits, not markup). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Line breaks in a translation become <br>. */
const lines = (text: string) => escapeHtml(text).replace(/\n/g, '<br>');

/**
 * Fonts for every script the bot's languages use (Debian: fonts-noto-core, fonts-noto-cjk).
 * Chinese goes first for Chinese leaflets so that shared characters take the Hong Kong forms.
 */
function fontFamilies(lang: string): string {
  const cjk = lang.startsWith('zh')
    ? [lang === 'zh-CN' || lang === 'zh-Hans' ? 'Noto Sans CJK SC' : 'Noto Sans CJK HK']
    : [];
  const rest = [
    'Noto Sans',
    'Noto Sans Thai',
    'Noto Sans Devanagari',
    'Noto Sans Sinhala',
    'Noto Sans Bengali',
    'Noto Sans Myanmar',
    'Noto Sans Tamil',
    'Noto Sans CJK HK',
    'DejaVu Sans',
  ];
  return [...new Set([...cjk, ...rest])].map((f) => `"${f}"`).join(', ') + ', sans-serif';
}

/**
 * The printable one-page leaflet: a neutral title, what the check is, one QR code per channel with
 * how to use it, the privacy line, how to exit, and the emergency number. Black on white, so it
 * survives a photocopier. All sizes are in millimetres of the chosen paper.
 */
export function renderLeafletHtml(page: LeafletPage): string {
  const { texts, codes, paper } = page;
  const size = PAPER_SIZES[paper];
  // A6 is the A5 design at 1/√2: the same leaflet, folded smaller.
  const k = size.width / PAPER_SIZES.A5.width;
  const mm = (n: number) => `${(n * k).toFixed(2)}mm`;
  const pt = (n: number) => `${(n * k).toFixed(2)}pt`;
  const qrSize = codes.length === 1 ? 62 : 54;

  const figures = codes
    .map(
      (c) => `      <figure class="code code-${c.channel}">
        <div class="qr">${c.svg.trim()}</div>
        <figcaption>
          <p class="how">${lines(c.how)}</p>
          <p class="link">${escapeHtml(c.printed)}</p>
        </figcaption>
      </figure>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="${escapeHtml(texts.lang)}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(texts.title)}</title>
<style>
  @page { size: ${size.width}mm ${size.height}mm; margin: 0; } /* ${paper} portrait */
  * { box-sizing: border-box; }
  html, body { margin: 0; padding: 0; background: #fff; }
  body { font-family: ${fontFamilies(texts.lang)}; color: #111; font-size: ${pt(11)}; line-height: 1.35;
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .leaflet { width: ${size.width}mm; height: ${size.height - 1}mm; padding: ${mm(10)} ${mm(11)} ${mm(8)};
    display: flex; flex-direction: column; overflow: hidden; }
  .language { margin: 0; font-size: ${pt(8.5)}; color: #555; text-align: right; }
  h1 { margin: ${mm(2)} 0 ${mm(3)}; font-size: ${pt(21)}; line-height: 1.2; font-weight: 700; }
  .intro { margin: 0 0 ${mm(2)}; font-size: ${pt(11.5)}; }
  .codes { display: flex; justify-content: space-evenly; align-items: flex-start; gap: ${mm(5)}; margin: auto 0; }
  .code { margin: 0; flex: 0 1 ${mm(qrSize + 6)}; text-align: center; }
  .qr svg { display: block; width: ${mm(qrSize)}; height: ${mm(qrSize)}; margin: 0 auto; }
  .how { margin: ${mm(1)} 0 ${mm(0.5)}; font-size: ${pt(10.5)}; font-weight: 600; }
  .link { margin: 0; font-size: ${pt(7.5)}; color: #444; overflow-wrap: anywhere; }
  .privacy { margin: ${mm(3)} 0 ${mm(1)}; font-size: ${pt(11.5)}; font-weight: 700; }
  .exit { margin: 0 0 ${mm(3)}; font-size: ${pt(10)}; }
  .emergency { margin: 0; padding: ${mm(2.5)} ${mm(3)}; border: ${mm(0.7)} solid #111; border-radius: ${mm(2)};
    font-size: ${pt(12.5)}; font-weight: 700; text-align: center; }
  .campaign { margin: ${mm(1.5)} 0 0; font-size: ${pt(6.5)}; color: #777; text-align: right; }
</style>
</head>
<body>
  <main class="leaflet">
    <p class="language">${escapeHtml(texts.languageName)}</p>
    <h1>${lines(texts.title)}</h1>
    <p class="intro">${lines(texts.intro)}</p>
    <section class="codes">
${figures}
    </section>
    <p class="privacy">${lines(texts.privacy)}</p>
    <p class="exit">${lines(texts.exitHint)}</p>
    <p class="emergency">${lines(texts.emergency)}</p>
    <p class="campaign">${escapeHtml(texts.lang)} · ${escapeHtml(page.campaign)}</p>
  </main>
</body>
</html>
`;
}
