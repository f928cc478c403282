// bench:keys' report: medians per call size and kind of change, the goals
// checked, and the anchors' published figures beside Parley's.
import type { Environment } from '../report/environment.js';
import type { Report } from '../report/writeReport.js';
import type { Change, ChangeKind } from './KeyCall.js';

/** What the systems people compare Parley with say of the same moment (docs/benchmarks.md has the sources). */
export const anchors = [
  { system: 'Jitsi Meet', figure: 'E2EE switched off', at: 'above 25 people', what: 'no E2EE in larger calls' },
  { system: 'Element Call', figure: '24.5 s', at: '50 people', what: 'grace before a rotated key is used' },
  { system: 'Element Call', figure: '99 s', at: '100 people', what: 'grace before a rotated key is used' },
  { system: 'Signal', figure: '5 s', at: 'any size', what: 'wait before a new key is used' },
  { system: 'Zoom', figure: 'up to 10 s', at: 'any size', what: 'until a new key is in use' },
] as const;

const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN);
};
const range = (values: number[]) => {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? '–' : `${Math.min(...finite)}–${Math.max(...finite)}`;
};
const kib = (bytes: number) => Math.round(bytes / 1024);

type Row = { key: string; participants: number; senders: number; kind: ChangeKind; changes: Change[] };

function groups(changes: Change[]): Row[] {
  const rows = new Map<string, Row>();
  for (const change of changes) {
    const key = `${change.kind} ${change.participants} ${change.senders}`;
    const row = rows.get(key) ?? { key, ...change, changes: [] };
    row.changes.push(change);
    rows.set(key, row);
  }
  return [...rows.values()];
}

const cells = (row: Row) => {
  const pick = (field: keyof Change) => median(row.changes.map((c) => Number(c[field])));
  return [
    row.kind,
    row.participants,
    row.senders,
    pick('ms'),
    range(row.changes.map((c) => c.ms)),
    pick('boxes'),
    kib(pick('boxBytes')),
    kib(pick('wireBytes')),
    pick('serverCpuMs'),
    pick('participantsCpuMs'),
  ];
};
const columns = [
  'change',
  'people',
  'sending',
  'median ms',
  'range ms',
  'boxes',
  'box KiB',
  'socket KiB',
  'server CPU ms',
  'participants CPU ms',
];

export function keyReport(input: {
  parameters: Record<string, unknown>;
  environment: Environment;
  everyoneSends: Change[];
  fewSend: Change[];
  failures: string[];
  anchors: typeof anchors;
}): Report {
  const all = groups(input.everyoneSends);
  const few = groups(input.fewSend);
  const of = (kind: ChangeKind, rows: Row[]) => rows.filter((r) => r.kind === kind);
  const at = (kind: ChangeKind, n: number) =>
    median(all.find((r) => r.kind === kind && r.participants === n)?.changes.map((c) => c.ms) ?? []);
  // In the large call a listener's leave leaves every sender in place; a speaker's leaves one fewer.
  const mostSending = Math.max(...input.fewSend.filter((c) => c.kind === 'leave').map((c) => c.senders));
  const large = (kind: ChangeKind) =>
    median(
      input.fewSend.filter((c) => c.kind === kind && (kind !== 'leave' || c.senders === mostSending)).map((c) => c.ms),
    );
  const largeSize = Math.max(0, ...input.fewSend.map((c) => c.participants)).toLocaleString('en');
  const largeTitle = `${largeSize} people, ${mostSending} sending`;
  const sizes = [...new Set(input.everyoneSends.map((c) => c.participants))].sort((a, b) => a - b);
  const bySize = (kind: ChangeKind) => sizes.map((n) => `${at(kind, n)} ms at ${n}`).join(', ');
  const summary = [
    // Every size measured (a shorter run, BENCH_SIZES, names its own), the goal beside 100.
    `everyone sending: leave → new key in use everywhere, median ${bySize('leave')} (goal ≤ 2,000 ms at 100)`,
    `everyone sending: join → the newcomer holds every key and everyone the newcomer's, median ${bySize('join')}`,
    ...(input.fewSend.length > 0
      ? [
          `${largeTitle}: a listener leaves → new key in use everywhere, median ${large('leave')} ms (goal ≤ 2,000); a listener starts speaking → everyone holds its key, median ${large('start sending')} ms (goal ≤ 1,000); a listener joins, median ${large('join')} ms`,
        ]
      : []),
    'all participants run in one Node process beside the server on this machine: their work, which a real call spreads over as many devices, is done here one after another',
    ...(input.failures.length > 0 ? [`NOT WITHIN THE TIME-OUT: ${input.failures.join('; ')}`] : []),
  ];
  return {
    name: 'keys',
    summary,
    parameters: input.parameters,
    environment: input.environment,
    tables: [
      { title: 'everyone sending (medians per change)', columns, rows: all.map(cells) },
      ...(few.length > 0 ? [{ title: `${largeTitle} (medians per change)`, columns, rows: few.map(cells) }] : []),
      {
        title: 'the anchors, as published',
        columns: ['system', 'figure', 'at', 'what'],
        rows: input.anchors.map((a) => [a.system, a.figure, a.at, a.what]),
      },
    ],
    lines: [
      {
        title: 'leave → new key in use everywhere, against call size (everyone sending), with the anchors',
        xLabel: 'people in the call',
        yUnit: 'ms',
        logY: true,
        series: [
          { name: 'Parley, leave', points: of('leave', all).map((r) => [r.participants, at('leave', r.participants)]) },
          { name: 'Parley, join', points: of('join', all).map((r) => [r.participants, at('join', r.participants)]) },
          {
            name: 'Element Call (grace)',
            points: [
              [50, 24_500],
              [100, 99_000],
            ],
            dashed: true,
          },
          { name: 'Signal (5 s)', points: sizes.map((n) => [n, 5000]), dashed: true },
          { name: 'Zoom (up to 10 s)', points: sizes.map((n) => [n, 10_000]), dashed: true },
        ],
      },
      {
        title: 'relayed boxes per leave, against call size (everyone sending)',
        xLabel: 'people in the call',
        yUnit: 'boxes',
        logY: true,
        series: [
          {
            name: 'Parley, measured',
            points: of('leave', all).map((r) => [r.participants, median(r.changes.map((c) => c.boxes))]),
          },
          {
            name: '2(N−1)(N−2): a key and a receipt per pair',
            points: sizes.map((n) => [n, 2 * (n - 1) * (n - 2)]),
            dashed: true,
          },
        ],
      },
    ],
    charts: [],
    data: { everyoneSends: input.everyoneSends, fewSend: input.fewSend, failures: input.failures },
  };
}
