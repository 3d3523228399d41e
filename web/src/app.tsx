/** @jsxImportSource preact */
// The Lab page: pick an algorithm and its options, write a fault plan (the CLI's syntax),
// run the real simulator in the page, watch the run on the stage with a time slider, click
// nodes to crash or restart them and links to cut or heal them (each click becomes a
// fault-plan edit), and read the checks, metrics and message counts — the same numbers
// `cohort sim --json` prints. A broken safety check is marked on the slider at its step.
// The settings and the run live in use-lab-run.ts, the time here; the parts are
// controls.tsx, stage.tsx with transport.tsx, plots.tsx and panels.tsx.

import { type Dispatch, type StateUpdater, useMemo, useState } from 'preact/hooks';
import { Controls } from './controls.js';
import { cutLinksAt } from './links.js';
import { Panels } from './panels.js';
import { FamilyPlots } from './plots.js';
import type { LabRun } from './run.js';
import { Stage } from './stage.js';
import { Transport } from './transport.js';
import { type Lab, useLabRun } from './use-lab-run.js';

/** The stage, with its clicks turned into fault-plan edits at time t. */
function LabStage(props: { lab: Lab; run: LabRun; t: number; types: readonly string[] }) {
  const { lab, run, t } = props;
  const [picked, setPicked] = useState<number | null>(null);
  const onLink = (a: number, b: number) => lab.toggleLinkAt(a, b, Math.round(t));
  /** Click: crash or restart at t. Shift-click two nodes: toggle the link between them. */
  const onNode = (id: number, crashed: boolean, shift: boolean) => {
    if (!shift) return lab.addFault(`${crashed ? 'restart' : 'crash'} ${id} @${Math.round(t)}`);
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
      cut={cut}
      onLink={onLink}
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
  return (
    <section class="run">
      <div class="player">
        <LabStage lab={lab} run={run} t={t} types={types} />
        <Transport
          run={run}
          t={t}
          setT={props.setT}
          onHeal={() => lab.addFault(`heal @${Math.round(t)}`)}
        />
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
