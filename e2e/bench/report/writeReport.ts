// Every benchmark ends here: a table on stdout, and JSON plus a
// self-contained HTML page (inline SVG charts, no scripts, no fonts, no other
// origin) in bench-results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Environment } from './environment.js';
import { renderLineChart, type LineChart } from './lineChart.js';

export type { LineChart } from './lineChart.js';

export type Table = { title: string; columns: string[]; rows: (string | number)[][] };

/** A bar chart: one bar per label, grouped by series (e.g. E2EE on / off). */
export type Chart = { title: string; unit: string; labels: string[]; series: { name: string; values: number[] }[] };

export type Report = {
  name: string;
  summary: string[];
  parameters: Record<string, unknown>;
  environment: Environment;
  tables: Table[];
  charts: Chart[];
  /** Line charts (y against x), drawn before the bar charts. */
  lines?: LineChart[];
  /** The raw measurements, for anyone who wants to redo the analysis. */
  data: unknown;
};

const resultsDir = resolve(fileURLToPath(new URL('../../../bench-results', import.meta.url)));

export function progress(name: string, message: string): void {
  process.stdout.write(`[${name}] ${message}\n`);
}

export function writeReport(report: Report): { json: string; html: string } {
  mkdirSync(resultsDir, { recursive: true });
  const stamp = report.environment.date.replace(/[:.]/g, '-');
  const json = join(resultsDir, `${report.name}-${stamp}.json`);
  const html = join(resultsDir, `${report.name}-${stamp}.html`);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, renderHtml(report));
  process.stdout.write(`\n${report.tables.map(renderText).join('\n\n')}\n\n${report.summary.join('\n')}\n`);
  process.stdout.write(`\nwrote ${json}\nwrote ${html}\n`);
  return { json, html };
}

function renderText(table: Table): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(String))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ');
  return [table.title, line(table.columns), ...cells.slice(1).map(line)].join('\n');
}

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const palette = ['#1f6feb', '#d1242f', '#2da44e', '#bf8700', '#8250df', '#57606a'];

function renderChart(chart: Chart): string {
  const barHeight = 14;
  const gap = 8;
  const labelWidth = 220;
  const plotWidth = 460;
  const max = Math.max(...chart.series.flatMap((s) => s.values.filter(Number.isFinite)), 1e-9);
  const groupHeight = chart.series.length * barHeight + gap;
  const height = chart.labels.length * groupHeight + 40;
  const bars = chart.labels.flatMap((label, i) => {
    const y0 = 30 + i * groupHeight;
    return [
      `<text x="${labelWidth - 6}" y="${y0 + (chart.series.length * barHeight) / 2 + 4}" text-anchor="end">${escape(label)}</text>`,
      ...chart.series.map((series, j) => {
        const value = series.values[i] ?? NaN;
        const width = Number.isFinite(value) ? (value / max) * plotWidth : 0;
        const y = y0 + j * barHeight;
        return `<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${barHeight - 2}" fill="${palette[j % palette.length]}"><title>${escape(series.name)}: ${value}</title></rect><text x="${labelWidth + width + 4}" y="${y + barHeight - 4}" class="v">${Number.isFinite(value) ? value : '–'}</text>`;
      }),
    ];
  });
  const legend = chart.series
    .map((s, j) => `<tspan fill="${palette[j % palette.length]}">■ ${escape(s.name)}</tspan>`)
    .join(' ');
  return `<figure><figcaption>${escape(chart.title)} (${escape(chart.unit)})</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 80}" height="${height}"><text x="${labelWidth}" y="16">${legend}</text>${bars.join('')}</svg></figure>`;
}

function renderTable(table: Table): string {
  const head = table.columns.map((c) => `<th>${escape(c)}</th>`).join('');
  const body = table.rows.map((row) => `<tr>${row.map((c) => `<td>${escape(String(c))}</td>`).join('')}</tr>`).join('');
  return `<h2>${escape(table.title)}</h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** One report's section: summary, charts, tables, and the run's environment and parameters. */
export function renderSection(report: Report, heading: 'h1' | 'h2' = 'h1'): string {
  const sub = heading === 'h1' ? 'h2' : 'h3';
  return `<${heading} id="${escape(report.name)}">Parley ${escape(report.name)}</${heading}>
<ul>${report.summary.map((line) => `<li>${escape(line)}</li>`).join('')}</ul>
${(report.lines ?? []).map(renderLineChart).join('\n')}
${report.charts.map(renderChart).join('\n')}
${report.tables.map(renderTable).join('\n').replaceAll('<h2>', `<${sub}>`).replaceAll('</h2>', `</${sub}>`)}
<${sub}>Run</${sub}><pre>${escape(JSON.stringify({ environment: report.environment, parameters: report.parameters }, null, 2))}</pre>`;
}

/** A self-contained page: inline styles and SVG, no scripts, no other origin. */
export function renderPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}svg{font:12px system-ui,sans-serif}.v{fill:#333;font-size:11px}pre{background:#f6f8fa;padding:.5rem;overflow-x:auto}figure{margin:1rem 0}</style>
</head><body>
${body}
</body></html>
`;
}

export { escape as escapeHtml };

function renderHtml(report: Report): string {
  return renderPage(`Parley ${report.name} — ${report.environment.date}`, renderSection(report));
}
