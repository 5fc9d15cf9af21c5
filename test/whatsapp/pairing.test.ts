import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
// jsqr is CommonJS; under NodeNext its function is the default export's `default`.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  PAIRING_QR_FILE,
  prepareDataDir,
  removePairingQr,
  showPairingQr,
} from '../../bots/whatsapp/pairing.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the data folder', () => {
  it('is created readable by the owner only', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wa-dir-')), 'data', 'whatsapp');
    prepareDataDir(dir);
    expect(mode(dir)).toBe(0o700);
  });

  it('is tightened when it already exists with looser rights', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wa-dir-')), 'whatsapp');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    prepareDataDir(dir);
    expect(mode(dir)).toBe(0o700);
  });
});

describe('the pairing QR code', () => {
  it('is printed in the terminal and written as a PNG (0600) that scans back to the code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wa-qr-'));
    const out = new PassThrough();
    let printed = '';
    out.on('data', (d: Buffer) => (printed += d.toString()));
    const code = '2@AbCdEfGh123456,q1w2e3r4t5y6u7i8o9p0=,a1s2d3f4g5h6j7k8l9=,z1x2c3v4b5n6m7=';
    const file = await showPairingQr(code, dir, out);
    expect(file).toBe(join(dir, PAIRING_QR_FILE));
    expect(printed.split('\n').length).toBeGreaterThan(15);
    expect(printed).toMatch(/[▀▄█]/);
    expect(mode(file)).toBe(0o600);
    const png = PNG.sync.read(readFileSync(file));
    expect(jsQR.default(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(code);
    removePairingQr(dir);
    expect(() => statSync(file)).toThrow();
  });
});
