// The last step of `npm run bench` (scripts/bench.mjs): every report the run
// wrote (bench-results/*.json, and bench:auth's text output) in one
// self-contained HTML page with the machine description, for attaching to a
// paper. Run alone, it gathers the newest report of each benchmark.
// Settings: BENCH_SINCE (ISO date: only reports written since then).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { environment } from './report/environment.js';
import { escapeHtml, progress, renderPage, renderSection, type Report } from './report/writeReport.js';

const resultsDir = resolve(fileURLToPath(new URL('../../bench-results', import.meta.url)));
const since = process.env.BENCH_SINCE ? Date.parse(process.env.BENCH_SINCE) : 0;

/** The newest file of each benchmark (name before the date stamp) written since `since`. */
function newest(extension: string): string[] {
  const byName = new Map<string, { file: string; at: number }>();
  for (const file of readdirSync(resultsDir)) {
    if (!file.endsWith(extension) || file.startsWith('all-')) continue;
    const at = statSync(join(resultsDir, file)).mtimeMs;
    const name = file.replace(/-\d{4}-\d\d-\d\dT.*$/, '');
    if (at >= since && at > (byName.get(name)?.at ?? -1)) byName.set(name, { file, at });
  }
  return [...byName.values()].sort((a, b) => a.at - b.at).map((entry) => join(resultsDir, entry.file));
}

it('gathers every benchmark report of the run into one page', () => {
  const reports = newest('.json').map((file) => JSON.parse(readFileSync(file, 'utf8')) as Report);
  const texts = newest('.txt').map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const machine = environment();
  const contents = `<ul>${[...reports.map((r) => r.name), ...texts.map(() => 'auth')]
    .map((name) => `<li><a href="#${escapeHtml(name)}">${escapeHtml(name)}</a></li>`)
    .join('')}</ul>`;
  const body = [
    `<h1>Parley benchmarks — ${escapeHtml(machine.date)}</h1>`,
    `<pre>${escapeHtml(JSON.stringify(machine, null, 2))}</pre>`,
    contents,
    ...reports.map((report) => `<section>${renderSection(report, 'h2')}</section>`),
    ...texts.map(({ text }) => `<section><h2 id="auth">Parley auth</h2><pre>${escapeHtml(text)}</pre></section>`),
  ].join('\n');
  const out = join(resultsDir, `all-${machine.date.replace(/[:.]/g, '-')}.html`);
  writeFileSync(out, renderPage(`Parley benchmarks — ${machine.date}`, body));
  progress('bench', `${reports.length + texts.length} reports in one page: ${out}`);
  expect(reports.length + texts.length).toBeGreaterThan(0);
});
