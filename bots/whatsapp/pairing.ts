import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import qrcodeTerminal from 'qrcode-terminal';

/** The pairing QR code as an image, for an NGO admin who cannot scan the terminal. */
export const PAIRING_QR_FILE = 'pairing-qr.png';

/**
 * Creates the data folder readable by the bot's user only (0700): it holds the login of the NGO's
 * WhatsApp number and WhatsApp Web's copy of its chats. An existing folder is tightened too.
 */
export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Shows the pairing QR code: printed in the terminal (scan it with WhatsApp on the NGO's phone:
 * Settings → Linked devices → Link a device) and written as a PNG (0600) into the data folder.
 * Returns the PNG's path.
 */
export async function showPairingQr(
  qr: string,
  dataDir: string,
  out: NodeJS.WritableStream = process.stdout,
): Promise<string> {
  qrcodeTerminal.generate(qr, { small: true }, (art) => out.write(`${art}\n`));
  const file = join(dataDir, PAIRING_QR_FILE);
  writeFileSync(file, await QRCode.toBuffer(qr, { type: 'png', margin: 2, width: 400 }), { mode: 0o600 });
  return file;
}

/** Removes the PNG once paired: an old code is useless and should not lie around. */
export function removePairingQr(dataDir: string): void {
  rmSync(join(dataDir, PAIRING_QR_FILE), { force: true });
}
