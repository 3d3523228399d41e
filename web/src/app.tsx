/** @jsxImportSource preact */
// The Lab page: pick an algorithm and its options, write a fault plan (the CLI's syntax),
// run the real simulator in the page, watch the run on the stage with a time slider, click
// a node to inspect its state (and crash or restart it from the inspector) and links to cut
// or heal them (each crash or cut becomes a fault-plan edit), and read the checks, metrics and message counts — the same numbers
// `cohort sim --json` prints. A broken safety check is marked on the slider at its step.
// The settings and the run live in use-lab-run.ts, the time here; the parts are
// controls.tsx, stage.tsx with transport.tsx, plots.tsx and panels.tsx.

import {
  type Dispatch,
  type StateUpdater,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'preact/hooks';
import { Controls } from './controls.js';
import { Inspector } from './inspector.js';
import { cutLinksAt } from './links.js';
import { MessagePanel } from './message-panel.js';
import { Panels } from './panels.js';
import { FamilyPlots } from './plots.js';
import { type LabRun, nodesAt } from './run.js';
import { Stage } from './stage.js';
import { StateProbe } from './state-probe.js';
import { Transport } from './transport.js';
import { type Lab, useLabRun } from './use-lab-run.js';

/** The stage: a click on a node selects it for the inspector; shift-clicks toggle a link. */
function LabStage(props: {
  lab: Lab;
  run: LabRun;
  t: number;
  types: readonly string[];
  selected: number | null;
  onSelect: (id: number | null) => void;
  pickedFlight: number | null;
  onFlight: (index: number | null) => void;
}) {
  const { lab, run, t } = props;
  const [picked, setPicked] = useState<number | null>(null);
  const onLink = (a: number, b: number) => lab.toggleLinkAt(a, b, Math.round(t));
  /** Click: inspect (again: close). Shift-click two nodes: toggle the link between them. */
  const onNode = (id: number, shift: boolean) => {
    if (!shift) return props.onSelect(props.selected === id ? null : id);
    if (picked === null || picked === id) return setPicked(picked === id ? null : id);
    setPicked(null);
    onLink(picked, id);
  };
  // The cuts of the plan the run was made with (the text box may hold a newer draft).
  const cut = useMemo(
    () => cutLinksAt(run.result?.faults ?? '', run.nodes, Math.round(t)),
    [run, t],
  );
  return (
    <Stage
      run={run}
      t={t}
      types={props.types}
      onNode={onNode}
      picked={picked}
      selected={props.selected}
      pickedFlight={props.pickedFlight}
      onFlight={(i) => props.onFlight(props.pickedFlight === i ? null : i)}
      cut={cut}
      onLink={onLink}
    />
  );
}

/** The selected node's inspector, with C (outside text fields) crashing or restarting it. */
function NodeInspector(props: {
  lab: Lab;
  run: LabRun;
  t: number;
  id: number;
  onClose: () => void;
}) {
  const { lab, run, t, id } = props;
  const probe = useMemo(
    () => (run.spec !== null && run.input !== null ? new StateProbe(run.spec, run.input) : null),
    [run],
  );
  const view = nodesAt(run, t)[id - 1];
  const toggle = () =>
    view !== undefined &&
    lab.addFault(`${view.status === 'crashed' ? 'restart' : 'crash'} ${id} @${Math.round(t)}`);
  // The key handler reads the latest render's toggle (its time and status), not the one of
  // the render that registered it: effects run a frame late, keys do not wait.
  const latest = useRef({ toggle, close: props.onClose });
  latest.current = { toggle, close: props.onClose };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target?.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'c' || e.key === 'C') latest.current.toggle();
      else if (e.key === 'Escape') latest.current.close();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  if (view === undefined) return null;
  return (
    <Inspector
      run={run}
      probe={probe}
      view={view}
      t={t}
      onToggleCrash={toggle}
      onClose={props.onClose}
    />
  );
}

/** Everything about the run at hand: stage, time controls, the family's plots, the panels. */
function RunView(props: {
  lab: Lab;
  run: LabRun;
  t: number;
  setT: Dispatch<StateUpdater<number>>;
}) {
  const { lab, run, t } = props;
  const types = useMemo(() => Object.keys(run.result?.messages.byType ?? {}), [run]);
  const [selected, setSelected] = useState<number | null>(null);
  const [picked, setPicked] = useState<{ run: LabRun; index: number } | null>(null);
  // A message picked in another run is not one of this run's.
  const flight = picked?.run === run ? run.flights[picked.index] : undefined;
  // A node beyond the new run's cluster (another algorithm, fewer nodes) is no longer there.
  const inspected = selected !== null && selected <= run.nodes ? selected : null;
  return (
    <section class="run">
      <div class="player">
        <LabStage
          lab={lab}
          run={run}
          t={t}
          types={types}
          selected={inspected}
          onSelect={setSelected}
          pickedFlight={flight === undefined ? null : (picked?.index ?? null)}
          onFlight={(index) => setPicked(index === null ? null : { run, index })}
        />
        <Transport
          run={run}
          t={t}
          setT={props.setT}
          onHeal={() => lab.addFault(`heal @${Math.round(t)}`)}
        />
        <p class="hint">
          Click or tap a node to inspect it (<kbd>C</kbd> crashes or restarts it), a message to read
          it, a link to cut or heal it. A hollow dot is a message being dropped.
        </p>
        {flight !== undefined && <MessagePanel flight={flight} onClose={() => setPicked(null)} />}
        {inspected !== null && (
          <NodeInspector
            lab={lab}
            run={run}
            t={t}
            id={inspected}
            onClose={() => setSelected(null)}
          />
        )}
      </div>
      {lab.spec !== undefined && <FamilyPlots family={lab.spec.family} />}
      {run.result !== null ? (
        <Panels run={run} result={run.result} t={t} types={types} />
      ) : (
        <p class="note">A trace from a file: replayed without checks or metrics.</p>
      )}
    </section>
  );
}

export function App() {
  const [t, setT] = useState(0);
  const lab = useLabRun(setT);
  const { spec } = lab;
  return (
    <main>
      <header>
        <h1>Cohort Lab</h1>
        <p>
          {spec?.summary} {spec !== undefined && <span class="seed">notes {spec.seed}</span>}
        </p>
      </header>
      <Controls lab={lab} />
      {lab.run !== null && <RunView lab={lab} run={lab.run} t={t} setT={setT} />}
    </main>
  );
}
