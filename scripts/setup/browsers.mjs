// @ts-check
import { ensureDebianPackages } from './debian.mjs';

/**
 * Debian's own browsers for the real-browser tests (never a browser download),
 * and a colour emoji font, as every phone and desktop has, so the screenshots
 * show the verification emoji people compare.
 */
export const browserPackages = ['chromium', 'firefox-esr', 'fonts-noto-color-emoji'];

export async function ensureBrowsers() {
  const installed = ensureDebianPackages(browserPackages, 'The browser tests');
  return installed.length > 0 ? `installed ${installed.join(', ')}` : 'present';
}
