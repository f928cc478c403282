// @ts-check
import { ensureDebianPackages } from './debian.mjs';

/** Debian's own browsers for the real-browser tests: never a browser download. */
export const browserPackages = ['chromium', 'firefox-esr'];

export async function ensureBrowsers() {
  const installed = ensureDebianPackages(browserPackages, 'The browser tests');
  return installed.length > 0 ? `installed ${installed.join(', ')}` : 'present';
}
