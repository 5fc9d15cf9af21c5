import jsqr, { type QRCode } from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS: Node hands over module.exports, whose `default` is the decoder (as its types say).
const jsQR = jsqr.default;

interface Image {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

interface Window {
  x: number;
  y: number;
  w: number;
  h: number;
}

const scan = (img: Image): QRCode | null =>
  jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });

function crop(img: Image, { x, y, w, h }: Window): Image {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let row = 0; row < h; row++) {
    const from = ((y + row) * img.width + x) * 4;
    data.set(img.data.subarray(from, from + w * 4), row * w * 4);
  }
  return { width: w, height: h, data };
}

/** Paints a found code white (with a margin for its finder patterns' edges) so the next scan sees past it. */
function blank(img: Image, code: QRCode, at: Window): void {
  const { topLeftCorner: a, topRightCorner: b, bottomLeftCorner: c, bottomRightCorner: d } = code.location;
  const xs = [a.x, b.x, c.x, d.x].map((v) => v + at.x);
  const ys = [a.y, b.y, c.y, d.y].map((v) => v + at.y);
  const pad = (Math.max(...xs) - Math.min(...xs)) * 0.1;
  const x0 = Math.max(0, Math.floor(Math.min(...xs) - pad));
  const x1 = Math.min(img.width, Math.ceil(Math.max(...xs) + pad));
  const y0 = Math.max(0, Math.floor(Math.min(...ys) - pad));
  const y1 = Math.min(img.height, Math.ceil(Math.max(...ys) + pad));
  for (let y = y0; y < y1; y++) img.data.fill(255, (y * img.width + x0) * 4, (y * img.width + x1) * 4);
}

/** Overlapping windows of half and two thirds of the page, five offsets each way, edge to edge. */
function windows(width: number, height: number): Window[] {
  const offsets = (room: number) => [...new Set([0, 1, 2, 3, 4].map((i) => Math.round((room * i) / 4)))];
  const out: Window[] = [];
  for (const fw of [1 / 2, 2 / 3]) {
    for (const fh of [1 / 2, 2 / 3]) {
      const w = Math.floor(width * fw);
      const h = Math.floor(height * fh);
      for (const y of offsets(height - h)) for (const x of offsets(width - w)) out.push({ x, y, w, h });
    }
  }
  return out;
}

/**
 * The QR codes in a PNG (a rendered leaflet page), sorted; at most `max` of them (give the number
 * expected: proving there is no further code means scanning every window once more, which is slow).
 * jsQR finds one code per call and gets lost when a page holds two (it mixes their finder
 * patterns). So: scan the page; when that fails, scan overlapping windows until one holds a code
 * whole; paint each code found white and start again. Nothing here knows the layout.
 */
export function decodeAllQr(png: Buffer, max: number): string[] {
  const decoded = PNG.sync.read(png);
  const page: Image = {
    width: decoded.width,
    height: decoded.height,
    data: new Uint8ClampedArray(decoded.data),
  };
  const whole: Window = { x: 0, y: 0, w: page.width, h: page.height };
  const found: string[] = [];
  while (found.length < max) {
    let hit: { code: QRCode; at: Window } | undefined;
    for (const at of [whole, ...windows(page.width, page.height)]) {
      const code = scan(at === whole ? page : crop(page, at));
      // Two codes' finder patterns mixed up can pass as an empty code: not a code, keep looking.
      if (code && code.data !== '') {
        hit = { code, at };
        break;
      }
    }
    if (!hit) break;
    found.push(hit.code.data);
    blank(page, hit.code, hit.at);
  }
  return found.sort();
}

/** The QR code in a PNG that holds just one (a QR code image file). */
export function decodeQr(png: Buffer): string | undefined {
  const img = PNG.sync.read(png);
  return scan({ width: img.width, height: img.height, data: new Uint8ClampedArray(img.data) })?.data;
}
