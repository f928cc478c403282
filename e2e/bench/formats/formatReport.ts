// bench:frames' comparison of whole per-frame formats: per runtime and frame
// size, µs per frame to encrypt and decrypt, bytes added, and each format's
// ratio to Parley's and to the AES-NI reference (Node's synchronous GCM).
import type { FrameCostRow } from '../frames/frameCost.js';
import { round } from '../report/stats.js';
import type { Chart, Table } from '../report/writeReport.js';

export const parleyName = 'Parley (SFrame)';
export const referenceName = 'AES-NI reference (Node aes-128-gcm, sync)';

type Results = Record<string, FrameCostRow[]>;

const find = (rows: FrameCostRow[], name: string, size: number, operation: 'encrypt' | 'decrypt') =>
  rows.find((r) => r.group === 'format' && r.suite === name && r.size === size && r.operation === operation);

const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? round(a / b, 2) : '–');

export function formatTables(results: Results, sizes: number[]): Table[] {
  const reference = results.node ?? [];
  return Object.entries(results).map(([where, rows]) => {
    const names = [...new Set(rows.filter((r) => r.group === 'format').map((r) => r.suite))];
    return {
      title: `${where}: whole frame formats, median µs per frame (ratios: this format ÷ Parley, and ÷ Node's AES-NI reference on the same frame size)`,
      columns: [
        'format',
        'frame bytes',
        'bytes added',
        'encrypt µs',
        'decrypt µs',
        'enc ÷ Parley',
        'dec ÷ Parley',
        'enc ÷ AES-NI',
        'dec ÷ AES-NI',
      ],
      rows: sizes.flatMap((size) =>
        names.map((name) => {
          const enc = find(rows, name, size, 'encrypt');
          const dec = find(rows, name, size, 'decrypt');
          return [
            name,
            size,
            enc?.bytesAdded ?? '–',
            enc?.medianUs ?? '–',
            dec?.medianUs ?? '–',
            ratio(enc?.medianUs, find(rows, parleyName, size, 'encrypt')?.medianUs),
            ratio(dec?.medianUs, find(rows, parleyName, size, 'decrypt')?.medianUs),
            ratio(enc?.medianUs, find(reference, referenceName, size, 'encrypt')?.medianUs),
            ratio(dec?.medianUs, find(reference, referenceName, size, 'decrypt')?.medianUs),
          ];
        }),
      ),
    };
  });
}

/** One chart per runtime and operation: µs per frame, a bar per format, grouped by frame size. */
export function formatCharts(results: Results, sizes: number[]): Chart[] {
  return Object.entries(results).flatMap(([where, rows]) => {
    const names = [...new Set(rows.filter((r) => r.group === 'format').map((r) => r.suite))];
    return (['encrypt', 'decrypt'] as const).map((operation) => ({
      title: `${where}: ${operation} one frame, by format and frame size`,
      unit: 'µs, median',
      labels: sizes.map((s) => `${s} B`),
      series: names.map((name) => ({
        name,
        values: sizes.map((size) => find(rows, name, size, operation)?.medianUs ?? NaN),
      })),
    }));
  });
}

/** Summary lines: at 10 KB, each format against Parley, per runtime. */
export function formatSummary(results: Results): string[] {
  return Object.entries(results).map(([where, rows]) => {
    const names = [...new Set(rows.filter((r) => r.group === 'format').map((r) => r.suite))];
    const parts = names.map((name) => {
      const enc = find(rows, name, 10_000, 'encrypt');
      const dec = find(rows, name, 10_000, 'decrypt');
      return `${name} ${enc?.medianUs}/${dec?.medianUs} µs, +${enc?.bytesAdded} B`;
    });
    return `${where}, 10 KB video frame, encrypt/decrypt: ${parts.join('; ')}`;
  });
}
