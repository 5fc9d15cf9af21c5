import QRCode from 'qrcode';

// Level Q restores a code with a quarter of it creased, smudged or torn: leaflets get folded
// and carried. The quiet zone of 4 modules is what phone scanners need around the code.
const OPTIONS = { errorCorrectionLevel: 'Q', margin: 4 } as const;

/** A QR code for `text` as an SVG document (scales to any print size). */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'svg', color: { dark: '#000000', light: '#ffffff' } });
}

/** A QR code for `text` as a PNG image, `scale` pixels per module. */
export async function qrPng(text: string, scale = 10): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...OPTIONS, type: 'png', scale });
}
