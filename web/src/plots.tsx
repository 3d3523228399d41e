/** @jsxImportSource preact */
// Family plots, computed in the page by running the simulator: messages per critical-section
// entry against n for every mutex algorithm, and the distribution of election times over 40
// seeds for every election algorithm (Raft's among them), as quantiles.

import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { findAlgorithm, listedAlgorithms } from '../../src/algorithms/registry.js';
import { simulate } from '../../src/sim/run.js';

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

function mutexPlot(): Plot {
  const names = listedAlgorithms()
    .filter((a) => a.family === 'mutex')
    .map((a) => a.name);
  return {
    title: 'Messages per critical-section entry (seed 1, defaults)',
    xLabel: 'nodes',
    yLabel: 'messages per entry',
    x: SIZES,
    series: names.map((label) => ({
      label,
      values: SIZES.map((n) => metricOf(label, n, 1, 'messagesPerEntry')),
    })),
  };
}

function electionPlot(): Plot {
  const names = listedAlgorithms()
    .filter((a) => a.family === 'election')
    .map((a) => a.name);
  const quantiles = Array.from({ length: 21 }, (_, i) => i * 5);
  return {
    title: `Election time over ${SEEDS} seeds, no faults (quantiles)`,
    xLabel: 'percentile',
    yLabel: 'election time ms',
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

function Chart({ plot }: { plot: Plot }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (host.current === null) return;
    const chart = new uPlot(
      {
        title: plot.title,
        width: Math.min(560, host.current.clientWidth || 560),
        height: 280,
        scales: { x: { time: false } },
        axes: [{ label: plot.xLabel }, { label: plot.yLabel }],
        series: [
          { label: plot.xLabel },
          ...plot.series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length] as string,
            width: 2,
            points: { show: true },
          })),
        ],
      },
      [plot.x, ...plot.series.map((s) => s.values)] as uPlot.AlignedData,
      host.current,
    );
    return () => chart.destroy();
  }, [plot]);
  return <div ref={host} class="chart" />;
}

export function FamilyPlots({ family }: { family: string }) {
  const [plot, setPlot] = useState<Plot | null>(null);
  const make = family === 'mutex' ? mutexPlot : family === 'election' ? electionPlot : null;
  useEffect(() => setPlot(null), [family]);
  if (make === null) return null;
  return (
    <section class="plots" aria-label="family plots">
      <button type="button" id="plot" onClick={() => setPlot(make())}>
        Plot the {family} family
      </button>
      {plot !== null && <Chart plot={plot} />}
    </section>
  );
}
