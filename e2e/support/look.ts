// How a screen looks and reads: screenshots at a desktop and a phone size
// (kept as test artefacts in e2e/artifacts/screenshots), and axe-core's
// accessibility rules run in the page itself.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { TestPage } from './browsers.js';

export const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
export const screenshotDir = fileURLToPath(new URL('../artifacts/screenshots/', import.meta.url));

/** Screenshots `name` at both sizes (the page is left at the desktop size). */
export async function screenshots(page: TestPage, name: string, settleMs = 400): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  for (const [size, { width, height }] of Object.entries(sizes).reverse()) {
    await page.setViewport(width, height);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    await page.screenshot(`${screenshotDir}${name}-${size}.png`);
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string; help: string; nodes: string[] };

/** axe-core's WCAG 2.1 A/AA and best-practice rules on the page as it is now: the serious and critical findings. */
export async function seriousViolations(page: TestPage): Promise<AxeViolation[]> {
  await page.runScript(axeSource);
  const found = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    })) as { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  })) as AxeViolation[];
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
