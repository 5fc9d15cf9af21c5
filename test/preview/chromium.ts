import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (no browser download); CHROMIUM_PATH to use another. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Starts chromium headless the way the preview's browser tests need it (offline, no sandbox in containers). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}
