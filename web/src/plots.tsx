/** @jsxImportSource preact */
// Family plots, computed in the page by running the simulator: messages per critical-section
// entry against n for every mutex algorithm, and the distribution of election times over 40
// seeds for every election algorithm (Raft's among them), as quantiles.

import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { findAlgorithm, listedAlgorithms } from '../../src/algorithms/registry.js';
import { simulate } from '../../src/sim/run.js';
import { chrome, type Lang, useLang, useT } from './i18n.js';

const SIZES = [3, 5, 7, 9];
const SEEDS = 40;
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2'];

interface Plot {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly x: number[];
  readonly series: { label: string; values: (number | null)[] }[];
}

function metricOf(name: string, nodes: number | undefined, seed: number, key: string) {
  const spec = findAlgorithm(name);
  if (spec === undefined) return null;
  try {
    const v = simulate(spec, { seed, trace: 'off', ...(nodes !== undefined && { nodes }) }).result
      .metrics[key];
    return typeof v === 'number' ? v : null;
  } catch {
    return null; // A size the algorithm does not take (two-layer rings need L·K nodes).
  }
}

function mutexPlot(lang: Lang): Plot {
  const names = listedAlgorithms()
    .filter((a) => a.family === 'mutex')
    .map((a) => a.name);
  return {
    title: chrome('plotMutexTitle', lang),
    xLabel: chrome('plotNodes', lang),
    yLabel: chrome('plotPerEntry', lang),
    x: SIZES,
    series: names.map((label) => ({
      label,
      values: SIZES.map((n) => metricOf(label, n, 1, 'messagesPerEntry')),
    })),
  };
}

function electionPlot(lang: Lang): Plot {
  const names = listedAlgorithms()
    .filter((a) => a.family === 'election')
    .map((a) => a.name);
  const quantiles = Array.from({ length: 21 }, (_, i) => i * 5);
  return {
    title: chrome('plotElectionTitle', lang).replace('{n}', String(SEEDS)),
    xLabel: chrome('plotPercentile', lang),
    yLabel: chrome('plotElectionMs', lang),
    x: quantiles,
    series: names.map((label) => {
      const times = Array.from({ length: SEEDS }, (_, i) =>
        metricOf(label, undefined, i + 1, 'electionTimeMs'),
      )
        .filter((v): v is number => v !== null)
        .sort((a, b) => a - b);
      return {
        label,
        values: quantiles.map((q) =>
          times.length === 0
            ? null
            : (times[Math.min(times.length - 1, Math.floor((q / 100) * times.length))] ?? null),
        ),
      };
    }),
  };
}

/** Projector-sized: big axis text, thick lines, the chart as wide as its column. */
const LARGE = { width: 1100, height: 460, font: '18px system-ui', label: 'bold 20px system-ui' };
const NORMAL = { width: 560, height: 280, font: '12px system-ui', label: 'bold 12px system-ui' };

function Chart({ plot, large }: { plot: Plot; large: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (host.current === null) return;
    const size = large ? LARGE : NORMAL;
    const axis = (label: string) => ({
      label,
      font: size.font,
      labelFont: size.label,
      size: large ? 70 : 50,
      labelSize: large ? 34 : 24,
    });
    const chart = new uPlot(
      {
        title: plot.title,
        width: Math.min(size.width, host.current.clientWidth || size.width),
        height: size.height,
        scales: { x: { time: false } },
        axes: [axis(plot.xLabel), axis(plot.yLabel)],
        series: [
          { label: plot.xLabel },
          ...plot.series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length] as string,
            width: large ? 4 : 2,
            points: { show: true, size: large ? 10 : 5 },
          })),
        ],
      },
      [plot.x, ...plot.series.map((s) => s.values)] as uPlot.AlignedData,
      host.current,
    );
    return () => chart.destroy();
  }, [plot, large]);
  return <div ref={host} class="chart" />;
}

export function FamilyPlots({ family, large = false }: { family: string; large?: boolean }) {
  const [plot, setPlot] = useState<Plot | null>(null);
  const make = family === 'mutex' ? mutexPlot : family === 'election' ? electionPlot : null;
  const lang = useLang();
  const tr = useT();
  useEffect(() => setPlot(null), [family, lang]);
  if (make === null) return null;
  return (
    <section class="plots" aria-label="family plots">
      <button type="button" id="plot" onClick={() => setPlot(make(lang))}>
        {tr(family === 'mutex' ? 'plotMutex' : 'plotElection')}
      </button>
      {plot !== null && <Chart plot={plot} large={large} />}
    </section>
  );
}
