// A cumulative-distribution plot as a standalone SVG (log-scale x, percent y), drawn the way
// the Raft paper's Figure 16 is: one step line per series. Hand-written because a plotting
// library would need a DOM in Node for one small chart.

export interface CdfSeries {
  readonly label: string;
  /** Ascending samples. */
  readonly samples: readonly number[];
}

const WIDTH = 720;
const HEIGHT = 420;
const PAD = { left: 60, right: 170, top: 20, bottom: 50 };
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function cdfSvg(
  series: readonly CdfSeries[],
  opts: { title: string; xLabel: string },
): string {
  const all = series.flatMap((s) => s.samples).filter((x) => x > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all, 100)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all, 1000)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (v: number) =>
    PAD.left + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / Math.log10(hi / lo)) * plotW;
  const y = (fraction: number) => PAD.top + (1 - fraction) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `font-family="sans-serif" font-size="12" role="img" aria-label="${escapeXml(opts.title)}">`,
    `<title>${escapeXml(opts.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PAD.left}" y="14" font-weight="bold">${escapeXml(opts.title)}</text>`,
  ];
  for (let decade = lo; decade <= hi; decade *= 10) {
    const px = x(decade).toFixed(1);
    parts.push(
      `<line x1="${px}" y1="${PAD.top}" x2="${px}" y2="${PAD.top + plotH}" stroke="#ddd"/>`,
      `<text x="${px}" y="${PAD.top + plotH + 16}" text-anchor="middle">${decade}</text>`,
    );
  }
  for (let pct = 0; pct <= 100; pct += 20) {
    const py = y(pct / 100).toFixed(1);
    parts.push(
      `<line x1="${PAD.left}" y1="${py}" x2="${PAD.left + plotW}" y2="${py}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${pct}%</text>`,
    );
  }
  parts.push(
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">` +
      `${escapeXml(opts.xLabel)}</text>`,
    `<text transform="translate(16 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">` +
      'cumulative percent</text>',
  );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const n = s.samples.length;
    const points = [`${x(s.samples[0] ?? lo).toFixed(1)},${y(0).toFixed(1)}`];
    s.samples.forEach((v, k) => {
      const px = x(v).toFixed(1);
      points.push(`${px},${y(k / n).toFixed(1)}`, `${px},${y((k + 1) / n).toFixed(1)}`);
    });
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points.join(' ')}"/>`,
      `<line x1="${WIDTH - PAD.right + 12}" y1="${PAD.top + 10 + i * 18}" ` +
        `x2="${WIDTH - PAD.right + 32}" y2="${PAD.top + 10 + i * 18}" stroke="${colour}" ` +
        'stroke-width="2"/>',
      `<text x="${WIDTH - PAD.right + 38}" y="${PAD.top + 10 + i * 18}" ` +
        `dominant-baseline="middle">${escapeXml(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
