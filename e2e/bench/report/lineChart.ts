// A line chart for benchmark reports: y against x (e.g. milliseconds against
// participants), several series, optionally on a logarithmic y axis so that
// figures three orders of magnitude apart (Parley's and the anchors') can sit
// side by side. Inline SVG, no scripts.

export type LineChart = {
  title: string;
  xLabel: string;
  yUnit: string;
  logY?: boolean;
  /** Points in x order; a series with one x value per point, dashed when `dashed`. */
  series: { name: string; points: [number, number][]; dashed?: boolean }[];
};

const palette = ['#1f6feb', '#d1242f', '#2da44e', '#bf8700', '#8250df', '#57606a'];
const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

export function renderLineChart(chart: LineChart): string {
  const width = 640;
  const height = 320;
  const left = 70;
  const right = 20;
  const top = 40;
  const bottom = 50;
  const points = chart.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (points.length === 0) return '';
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y).filter((y) => !chart.logY || y > 0);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const scaleY = chart.logY ? Math.log10 : (y: number) => y;
  const yLow = chart.logY ? 10 ** Math.floor(Math.log10(Math.min(...ys))) : 0;
  const yHigh = chart.logY ? 10 ** Math.ceil(Math.log10(Math.max(...ys))) : Math.max(...ys) * 1.1;
  const px = (x: number) => left + ((x - xMin) / Math.max(1e-9, xMax - xMin)) * (width - left - right);
  const py = (y: number) =>
    top + (1 - (scaleY(y) - scaleY(yLow)) / Math.max(1e-9, scaleY(yHigh) - scaleY(yLow))) * (height - top - bottom);
  const ticksY = chart.logY
    ? Array.from({ length: Math.round(Math.log10(yHigh / yLow)) + 1 }, (_, i) => yLow * 10 ** i)
    : Array.from({ length: 5 }, (_, i) => (yHigh * i) / 4);
  const grid = ticksY
    .map(
      (y) =>
        `<line x1="${left}" x2="${width - right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/><text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${y}</text>`,
    )
    .join('');
  const ticksX = [...new Set(xs)]
    .map((x) => `<text x="${px(x)}" y="${height - bottom + 16}" text-anchor="middle">${x}</text>`)
    .join('');
  const lines = chart.series
    .map((series, i) => {
      const colour = palette[i % palette.length];
      const drawn = series.points.filter(
        ([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!chart.logY || y > 0),
      );
      const path = drawn.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      const dots = drawn
        .map(
          ([x, y]) =>
            `<circle cx="${px(x)}" cy="${py(y)}" r="3" fill="${colour}"><title>${escape(series.name)}: ${x} → ${y}</title></circle>`,
        )
        .join('');
      const dash = series.dashed ? ' stroke-dasharray="5,4"' : '';
      return `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>${dots}`;
    })
    .join('');
  const legend = chart.series
    .map((s, i) => `<tspan fill="${palette[i % palette.length]}">■ ${escape(s.name)}</tspan>`)
    .join('  ');
  return `<figure><figcaption>${escape(chart.title)} (${escape(chart.yUnit)}${chart.logY ? ', log scale' : ''})</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="${left}" y="16">${legend}</text>${grid}${ticksX}<text x="${(left + width - right) / 2}" y="${height - 10}" text-anchor="middle">${escape(chart.xLabel)}</text>${lines}</svg></figure>`;
}
