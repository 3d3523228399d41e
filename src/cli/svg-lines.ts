// A line chart as a standalone SVG: linear x, log-scale y with a row for zero below the
// lowest decade (a false-positive rate is often exactly 0, which a log axis cannot show).
// Drawn in the style of bench/svg-cdf.ts (same size, padding, palette and legend), by hand
// for the same reason: a plotting library would need a DOM in Node for one small chart.

export interface LineSeries {
  readonly label: string;
  /** Index into the palette: series that share a colour belong together. */
  readonly colour: number;
  readonly dashed: boolean;
  /** Points in drawing order; y ≥ 0. */
  readonly points: readonly { readonly x: number; readonly y: number; readonly tag?: string }[];
}

const WIDTH = 840;
const HEIGHT = 440;
const PAD = { left: 64, right: 270, top: 24, bottom: 50 };
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Round-number ticks from 0 to the first at or past max. */
function linearTicks(max: number): number[] {
  const raw = max / 5;
  const step10 = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * step10).find((s) => s >= raw) ?? 10 * step10;
  const ticks = [0];
  while ((ticks[ticks.length - 1] as number) < max) ticks.push(ticks.length * step);
  return ticks;
}

export function linesSvg(
  series: readonly LineSeries[],
  opts: { title: string; xLabel: string; yLabel: string },
): string {
  const all = series.flatMap((s) => s.points);
  const positive = all.map((p) => p.y).filter((y) => y > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive, 10 * lo)));
  const xTicks = linearTicks(Math.max(...all.map((p) => p.x), 1));
  const xMax = xTicks[xTicks.length - 1] as number;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const zeroRow = plotH / 12; // Zero sits one row below the lowest decade.
  const x = (v: number) => PAD.left + (v / xMax) * plotW;
  const y = (v: number) =>
    v <= 0
      ? PAD.top + plotH
      : PAD.top + (1 - (Math.log10(v) - Math.log10(lo)) / Math.log10(hi / lo)) * (plotH - zeroRow);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `font-family="sans-serif" font-size="12" role="img" aria-label="${escapeXml(opts.title)}">`,
    `<title>${escapeXml(opts.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PAD.left}" y="15" font-weight="bold">${escapeXml(opts.title)}</text>`,
  ];
  for (const t of xTicks) {
    const px = x(t).toFixed(1);
    parts.push(
      `<line x1="${px}" y1="${PAD.top}" x2="${px}" y2="${PAD.top + plotH}" stroke="#ddd"/>`,
      `<text x="${px}" y="${PAD.top + plotH + 16}" text-anchor="middle">${t}</text>`,
    );
  }
  for (let decade = lo; decade <= hi * 1.0001; decade *= 10)
    yTick(
      parts,
      y(decade),
      decade >= 1 ? String(Math.round(decade)) : String(+decade.toPrecision(1)),
      plotW,
    );
  yTick(parts, y(0), '0', plotW);
  parts.push(
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">` +
      `${escapeXml(opts.xLabel)}</text>`,
    `<text transform="translate(16 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">` +
      `${escapeXml(opts.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const colour = COLOURS[s.colour % COLOURS.length] as string;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const points = s.points.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`);
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="1.5"${dash} points="${points.join(' ')}"/>`,
      ...s.points.map(
        (p) =>
          `<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="2.5" fill="${colour}">` +
          `<title>${escapeXml(`${s.label}: ${p.tag ?? ''} (${p.x}, ${p.y})`)}</title></circle>`,
      ),
      `<line x1="${WIDTH - PAD.right + 12}" y1="${PAD.top + 10 + i * 18}" ` +
        `x2="${WIDTH - PAD.right + 36}" y2="${PAD.top + 10 + i * 18}" stroke="${colour}" ` +
        `stroke-width="2"${dash}/>`,
      `<text x="${WIDTH - PAD.right + 42}" y="${PAD.top + 10 + i * 18}" ` +
        `dominant-baseline="middle">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function yTick(parts: string[], py: number, label: string, plotW: number): void {
  const at = py.toFixed(1);
  parts.push(
    `<line x1="${PAD.left}" y1="${at}" x2="${PAD.left + plotW}" y2="${at}" stroke="#ddd"/>`,
    `<text x="${PAD.left - 6}" y="${at}" text-anchor="end" dominant-baseline="middle">${label}</text>`,
  );
}
