/** @jsxImportSource preact */
// The Lab page: pick an algorithm and its options, write a fault plan (the CLI's syntax),
// run the real simulator in the page, watch the run on the stage with a time slider, click
// nodes to crash or restart them and links to cut or heal them (each click becomes a
// fault-plan edit), and read the checks, metrics and message counts — the same numbers
// `cohort sim --json` prints. A broken safety check is marked on the slider at its step.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { findAlgorithm, listedAlgorithms } from '../../src/algorithms/registry.js';
import { optionFlagName } from '../../src/core/algorithm.js';
import { parseOptionFields } from '../../src/core/option-parser.js';
import { parseFaultPlan } from '../../src/sim/fault-plan.js';
import { defaultNodes } from '../../src/sim/run.js';
import { cutLinksAt, toggleLink } from './links.js';
import { Panels } from './panels.js';
import { FamilyPlots } from './plots.js';
import { type LabRun, runFromTrace, runLab } from './run.js';
import { Stage } from './stage.js';
import { readUrl, writeUrl } from './url-state.js';

const initial = readUrl({
  algorithm: 'consensus/raft',
  nodes: undefined,
  seed: 1,
  faults: '',
  options: {},
});

export function App() {
  const [algorithm, setAlgorithm] = useState(initial.algorithm);
  const [nodesText, setNodesText] = useState(
    initial.nodes === undefined ? '' : String(initial.nodes),
  );
  const [seed, setSeed] = useState(initial.seed);
  const [faults, setFaults] = useState(initial.faults);
  const [rawOptions, setRawOptions] = useState<Record<string, string>>(initial.rawOptions);
  const [run, setRun] = useState<LabRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [t, setT] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(0.2);
  const spec = findAlgorithm(algorithm);

  const execute = (plan = faults) => {
    if (spec === undefined) return setError(`unknown algorithm ${algorithm}`);
    try {
      const options = parseOptionFields(spec, rawOptions);
      const nodes = nodesText === '' ? defaultNodes(spec, options) : Number(nodesText);
      parseFaultPlan(plan, nodes);
      const input = {
        algorithm,
        nodes: nodesText === '' ? undefined : nodes,
        seed,
        faults: plan,
        options,
      };
      const next = runLab(input);
      writeUrl(input, rawOptions);
      setRun(next);
      setError(null);
      setT((old) => Math.min(old, next.endMs));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  useEffect(() => execute(), []);
  useEffect(() => {
    if (!playing || run === null) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      setT((old) => Math.min(run.endMs, old + (now - last) * speed));
      last = now;
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, run, speed]);

  const types = useMemo(() => Object.keys(run?.result?.messages.byType ?? {}), [run]);
  const [picked, setPicked] = useState<number | null>(null);
  const addFault = (line: string) => {
    const plan = faults.trim() === '' ? line : `${faults.trim()}; ${line}`;
    setFaults(plan);
    execute(plan);
  };
  /** Cut the link a–b at t, or heal it if the plan has it cut then. */
  const onLink = (a: number, b: number) => {
    if (run === null) return;
    try {
      const plan = toggleLink(faults, run.nodes, a, b, Math.round(t));
      setFaults(plan);
      execute(plan);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  /** Click: crash or restart at t. Shift-click two nodes: toggle the link between them. */
  const onNode = (id: number, crashed: boolean, shift: boolean) => {
    if (!shift) return addFault(`${crashed ? 'restart' : 'crash'} ${id} @${Math.round(t)}`);
    if (picked === null || picked === id) return setPicked(picked === id ? null : id);
    setPicked(null);
    onLink(picked, id);
  };
  // The cuts of the plan the run was made with (the text box may hold a newer draft).
  const cut = useMemo(
    () => cutLinksAt(run?.result?.faults ?? '', run?.nodes ?? 0, Math.round(t)),
    [run, t],
  );
  const firstViolation = run?.violations[0];
  const exportTrace = () => {
    if (run === null) return;
    const blob = new Blob([`${run.lines.join('\n')}\n`], { type: 'application/x-ndjson' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${algorithm.replace('/', '-')}-seed${seed}.jsonl`;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const importTrace = async (file: File | undefined) => {
    if (file === undefined) return;
    try {
      setRun(runFromTrace(await file.text()));
      setT(0);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const step = () => {
    if (run === null) return;
    const next = run.records.find((r) => r.t > t);
    setT(next?.t ?? run.endMs);
  };

  return (
    <main>
      <header>
        <h1>Cohort Lab</h1>
        <p>
          {spec?.summary} {spec !== undefined && <span class="seed">notes {spec.seed}</span>}
        </p>
      </header>
      <section class="controls" aria-label="run settings">
        <label>
          algorithm
          <select
            id="algorithm"
            value={algorithm}
            onChange={(e) => {
              setAlgorithm(e.currentTarget.value);
              setRawOptions({});
            }}
          >
            {listedAlgorithms().map((a) => (
              <option value={a.name} key={a.name}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          nodes
          <input
            value={nodesText}
            placeholder="default"
            inputMode="numeric"
            onInput={(e) => setNodesText(e.currentTarget.value)}
          />
        </label>
        <label>
          seed
          <input
            value={String(seed)}
            inputMode="numeric"
            onInput={(e) => setSeed(Number(e.currentTarget.value) || 0)}
          />
        </label>
        {spec !== undefined &&
          Object.entries(spec.options).map(([name, opt]) => (
            <label key={name} title={opt.description}>
              {optionFlagName(name)}
              <input
                value={rawOptions[name] ?? ''}
                placeholder={
                  Array.isArray(opt.default) ? opt.default.join(',') : String(opt.default)
                }
                onInput={(e) => setRawOptions({ ...rawOptions, [name]: e.currentTarget.value })}
              />
            </label>
          ))}
        <label class="faults">
          fault plan
          <textarea
            value={faults}
            rows={2}
            placeholder="crash 3 @400; restart 3 @1500; drop 5% @0..2000"
            onInput={(e) => setFaults(e.currentTarget.value)}
          />
        </label>
        <button type="button" id="run" onClick={() => execute()}>
          Run
        </button>
        <button type="button" onClick={exportTrace} disabled={run === null}>
          Export trace
        </button>
        <label class="import">
          open a trace (cohort sim --trace)
          <input
            type="file"
            accept=".jsonl,.json,.txt"
            onChange={(e) => importTrace(e.currentTarget.files?.[0])}
          />
        </label>
        {error !== null && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </section>
      {run !== null && (
        <section class="run">
          <div class="player">
            <Stage
              run={run}
              t={t}
              types={types}
              onNode={onNode}
              picked={picked}
              cut={cut}
              onLink={onLink}
            />
            <fieldset class="transport">
              <legend>time</legend>
              <button type="button" onClick={() => setPlaying(!playing)}>
                {playing ? 'Pause' : 'Play'}
              </button>
              <button type="button" onClick={step}>
                Step
              </button>
              <label>
                speed
                <select
                  value={String(speed)}
                  onChange={(e) => setSpeed(Number(e.currentTarget.value))}
                >
                  {[0.05, 0.2, 1, 5].map((s) => (
                    <option value={String(s)} key={s}>
                      {s}×
                    </option>
                  ))}
                </select>
              </label>
              <div class="timeline">
                <input
                  type="range"
                  aria-label="time in ms"
                  min={0}
                  max={run.endMs}
                  step="any"
                  value={t}
                  onInput={(e) => setT(Number(e.currentTarget.value))}
                />
                {run.violations.map((v) => (
                  <span
                    key={`${v.check}-${v.t}`}
                    class="violation-tick"
                    data-violation-at={v.t}
                    style={{ '--at': String(run.endMs > 0 ? v.t / run.endMs : 1) }}
                    title={`${v.check} broke at ${v.t} ms`}
                  />
                ))}
              </div>
              <output>{t.toFixed(1)} ms</output>
              {firstViolation !== undefined && (
                <button
                  type="button"
                  class="jump-violation"
                  onClick={() => {
                    setPlaying(false);
                    setT(firstViolation.t);
                  }}
                >
                  Jump to violation ({firstViolation.t.toFixed(1)} ms)
                </button>
              )}
              <button type="button" onClick={() => addFault(`heal @${Math.round(t)}`)}>
                Heal links
              </button>
            </fieldset>
          </div>
          {spec !== undefined && <FamilyPlots family={spec.family} />}
          {run.result !== null ? (
            <Panels run={run} result={run.result} t={t} types={types} />
          ) : (
            <p class="note">A trace from a file: replayed without checks or metrics.</p>
          )}
        </section>
      )}
    </main>
  );
}
