// npm run bench:frames — the per-frame cost of SFrame encryption and
// decryption for every RFC 9605 cipher suite and realistic frame sizes, in
// Node and inside real browser workers (Chromium, Firefox), against a
// pass-through baseline; and, interleaved in the same run on the same frames,
// Parley's whole frame format against Jitsi/LiveKit's, Signal's and (Node)
// a synchronous AES-NI reference. Writes bench-results/frames-*.{json,html}.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, defaultClientConditions } from 'vite';
import { afterAll, expect, it } from 'vitest';
import { launchChromium, launchFirefox, type TestBrowser } from '../support/browsers.js';
import { suiteFor } from '@parley/shared/e2ee';
import { measureFrameCost, type FrameCostParameters, type FrameCostRow } from './frames/frameCost.js';
import { formatCharts, formatSummary, formatTables } from './formats/formatReport.js';
import { nodeGcmFormat } from './formats/nodeGcmFormat.js';
import { environment } from './report/environment.js';
import { progress, writeReport, type Chart, type Table } from './report/writeReport.js';

const parameters: FrameCostParameters = {
  suites: [0x0001, 0x0002, 0x0003, 0x0004, 0x0005],
  sizes: [100, 1_000, 10_000, 100_000],
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  batches: Number(process.env.BENCH_BATCHES ?? 20),
  minBatchMs: 2,
};

const outDir = fileURLToPath(new URL('./frames/dist', import.meta.url));
let http: Server | undefined;
const browsers: TestBrowser[] = [];
afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  http?.close();
});

/** The worker bundle and an empty page, served cross-origin isolated (finer browser clocks). */
async function serveWorkerPage(): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    resolve: { conditions: ['source', ...defaultClientConditions] },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      lib: {
        entry: fileURLToPath(new URL('./frames/frameWorker.ts', import.meta.url)),
        formats: ['es'],
        fileName: () => 'frameWorker.js',
      },
    },
  });
  const script = readFileSync(`${outDir}/frameWorker.js`);
  http = createServer((request, response) => {
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (request.url === '/frameWorker.js') {
      response.setHeader('Content-Type', 'text/javascript');
      response.end(script);
      return;
    }
    response.setHeader('Content-Type', 'text/html');
    response.end('<!doctype html><title>Parley bench:frames</title>');
  });
  await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

async function inBrowser(browser: TestBrowser, baseUrl: string): Promise<FrameCostRow[]> {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/`);
  const isolated = await page.evaluate(() => crossOriginIsolated);
  progress('frames', `${browser.version}: cross-origin isolated ${isolated}; measuring in a worker…`);
  const result = await page.evaluateWith(
    (params) =>
      new Promise<{ rows?: FrameCostRow[]; error?: string }>((resolve) => {
        const worker = new Worker('/frameWorker.js', { type: 'module' });
        worker.onmessage = (event: MessageEvent<{ rows?: FrameCostRow[]; error?: string }>) => resolve(event.data);
        worker.onerror = (event) => resolve({ error: event.message });
        worker.postMessage(params);
      }),
    parameters,
  );
  if (!result.rows) throw new Error(`${browser.name}: ${result.error ?? 'no result'}`);
  return result.rows;
}

it('measures SFrame per-frame cost in Node, Chromium and Firefox', async () => {
  const results: Record<string, FrameCostRow[]> = {};
  progress('frames', `Node ${process.version}: measuring…`);
  results.node = await measureFrameCost(parameters, (m) => progress('frames', `node ${m}`), [nodeGcmFormat()]);
  const baseUrl = await serveWorkerPage();
  const chromium = await launchChromium({ trustedOrigin: baseUrl });
  browsers.push(chromium);
  results.chromium = await inBrowser(chromium, baseUrl);
  const firefox = await launchFirefox({ trustedOrigin: baseUrl });
  browsers.push(firefox);
  results.firefox = await inBrowser(firefox, baseUrl);

  const suiteRows = (rows: FrameCostRow[]) => rows.filter((r) => r.group === 'suite');
  const tables: Table[] = Object.entries(results).map(([where, all]) => ({
    title: `${where}: µs per frame (median and p99 over ${parameters.rounds} × ${parameters.batches} batches of ≥ ${parameters.minBatchMs} ms)`,
    columns: ['suite', 'frame bytes', 'operation', 'median µs', 'p99 µs', 'MB/s', 'bytes added'],
    rows: suiteRows(all).map((r) => [
      r.suite,
      r.size,
      r.operation,
      r.medianUs,
      r.p99Us,
      r.throughputMBps,
      r.bytesAdded,
    ]),
  }));
  tables.unshift(...formatTables(results, parameters.sizes));
  const at10k = (rows: FrameCostRow[], operation: FrameCostRow['operation'], suite: string) =>
    rows.find(
      (r) =>
        r.group === 'suite' &&
        r.size === 10_000 &&
        r.operation === operation &&
        (operation === 'pass-through' || r.suite === suite),
    )?.medianUs ?? NaN;
  const suiteNames = [
    ...new Set(
      suiteRows(results.node ?? [])
        .filter((r) => r.suite !== 'none')
        .map((r) => r.suite),
    ),
  ];
  const charts: Chart[] = formatCharts(results, parameters.sizes);
  charts.push(
    ...(['encrypt', 'decrypt'] as const).map((operation) => ({
      title: `${operation}, one 10 KB video frame`,
      unit: 'µs, median',
      labels: ['pass-through', ...suiteNames],
      series: Object.entries(results).map(([where, rows]) => ({
        name: where,
        values: [at10k(rows, 'pass-through', ''), ...suiteNames.map((s) => at10k(rows, operation, s))],
      })),
    })),
  );
  charts.push({
    title: 'bytes SFrame adds per frame',
    unit: 'bytes',
    labels: suiteNames,
    series: [
      {
        name: 'any size',
        values: suiteNames.map((s) => suiteRows(results.node ?? []).find((r) => r.suite === s)?.bytesAdded ?? NaN),
      },
    ],
  });
  const videoSuite = suiteFor.video.name;
  const audioSuite = suiteFor.audio.name;
  const summary = [...formatSummary(results)];
  summary.push(
    ...Object.entries(results).map(
      ([where, rows]) =>
        `${where}: 10 KB video frame (${videoSuite}) encrypt ${at10k(rows, 'encrypt', videoSuite)} µs, decrypt ${at10k(rows, 'decrypt', videoSuite)} µs, pass-through ${at10k(rows, 'pass-through', '')} µs; 100 B audio frame (${audioSuite}) encrypt ${rows.find((r) => r.size === 100 && r.operation === 'encrypt' && r.suite === audioSuite)?.medianUs} µs`,
    ),
  );
  writeReport({
    name: 'frames',
    summary,
    parameters,
    environment: environment({ chromium: chromium.version, firefox: firefox.version }),
    tables,
    charts,
    data: results,
  });
  for (const [where, rows] of Object.entries(results)) {
    const formats = where === 'node' ? 4 : 3;
    expect(rows.length).toBe(parameters.sizes.length * (1 + 2 * parameters.suites.length + 2 * formats));
  }
}, 600_000);
