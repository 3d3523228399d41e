/** @jsxImportSource preact */
// The Lab page: pick an algorithm and its options, write a fault plan (the CLI's syntax),
// run the real simulator in the page, watch the run on the stage with a time slider, click
// a node to inspect its state (and crash or restart it from the inspector) and links to cut
// or heal them (each crash or cut becomes a fault-plan edit), and read the checks, metrics and message counts — the same numbers
// `cohort sim --json` prints. A broken safety check is marked on the slider at its step.
// The settings and the run live in use-lab-run.ts, the time and the language (EN/中文, i18n.ts)
// here; the parts are controls.tsx, stage.tsx with transport.tsx, explain-panel.tsx (the
// algorithm explained beside the stage), plots.tsx and panels.tsx. The header's
// "Partitioning" switches the page to partition-view.tsx (view=partition in the URL).

import {
  type Dispatch,
  type StateUpdater,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'preact/hooks';
import { Controls } from './controls.js';
import type { DrawnNode } from './drawings/drawn-nodes.js';
import { LogRows } from './drawings/log-rows.js';
import { ExplainPanel, SEED_PASSAGE_ID, showSeedPassage } from './explain-panel.js';
import { summaryIn } from './i18n/registry-text.js';
import { chrome, type Lang, LangContext, readLang, useT, writeLang } from './i18n.js';
import { Inspector } from './inspector.js';
import { cutLinksAt } from './links.js';
import { MessagePanel } from './message-panel.js';
import { Panels } from './panels.js';
import { PartitionView } from './partition-view.js';
import { FamilyPlots } from './plots.js';
import { type LabRun, nodesAt } from './run.js';
import { Stage } from './stage.js';
import { StateProbe } from './state-probe.js';
import { TourPanel } from './tour-panel.js';
import { TraceChecks } from './trace-checks.js';
import { Transport, usePlayback } from './transport.js';
import { readView, type ViewState, writeView } from './url-state.js';
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
  drawn: ReadonlyMap<number, DrawnNode> | undefined;
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
  const cut = useMemo(() => cutLinksAt(run.faults, run.nodes, Math.round(t)), [run, t]);
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
      drawn={props.drawn}
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
  probe: StateProbe | null;
}) {
  const { lab, run, t, id, probe } = props;
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

/**
 * One replay per run (a StateProbe, when the run can be replayed), shared by the stage's
 * drawings and the inspector, and what the nodes' states draw at the slider's time.
 */
function useReplay(run: LabRun, t: number) {
  const probe = useMemo(
    () => (run.spec !== null && run.input !== null ? new StateProbe(run.spec, run.input) : null),
    [run],
  );
  // The stage's drawings read that replay at the slider's time (never a second simulation).
  const drawn = useMemo(() => (probe === null ? undefined : probe.drawnAt(t)), [probe, run, t]);
  return { probe, drawn };
}

/** Everything about the run at hand: stage, time controls, the family's plots, the panels. */
function RunView(props: {
  lab: Lab;
  run: LabRun;
  t: number;
  setT: Dispatch<StateUpdater<number>>;
  explainOpen: boolean;
  setExplainOpen: (open: boolean) => void;
  lecture: boolean;
}) {
  const { lab, run, t } = props;
  const tr = useT();
  const types = useMemo(() => Object.keys(run.result?.messages.byType ?? {}), [run]);
  const [selected, setSelected] = useState<number | null>(null);
  const [picked, setPicked] = useState<{ run: LabRun; index: number } | null>(null);
  // A message picked in another run is not one of this run's.
  const flight = picked?.run === run ? run.flights[picked.index] : undefined;
  // A node beyond the new run's cluster (another algorithm, fewer nodes) is no longer there.
  const inspected = selected !== null && selected <= run.nodes ? selected : null;
  const playback = usePlayback(run, props.setT);
  const { probe, drawn } = useReplay(run, t);
  /** A tour step moves the run to its tick and holds it there. */
  const goTo = (at: number) => {
    playback.setPlaying(false);
    props.setT(at);
  };
  return (
    <section class="run">
      <div class="player" data-run-algorithm={run.spec?.name}>
        {!props.lecture && <TourPanel lab={lab} run={run} goTo={goTo} />}
        {lab.stale && (
          <p class="stale-note" role="status" data-stale>
            {tr('stale')}
          </p>
        )}
        <LabStage
          lab={lab}
          run={run}
          t={t}
          types={types}
          selected={inspected}
          onSelect={setSelected}
          pickedFlight={flight === undefined ? null : (picked?.index ?? null)}
          onFlight={(index) => setPicked(index === null ? null : { run, index })}
          drawn={drawn}
        />
        <Transport
          run={run}
          t={t}
          setT={props.setT}
          playback={playback}
          onHeal={() => lab.addFault(`heal @${Math.round(t)}`)}
        />
        {drawn !== undefined && <LogRows drawn={drawn} />}
        {!props.lecture && (
          <p class="hint">
            {tr('hintBefore')}
            <kbd>C</kbd>
            {tr('hintAfter')}
          </p>
        )}
        {flight !== undefined && <MessagePanel flight={flight} onClose={() => setPicked(null)} />}
        {inspected !== null && (
          <NodeInspector
            lab={lab}
            run={run}
            t={t}
            id={inspected}
            onClose={() => setSelected(null)}
            probe={probe}
          />
        )}
      </div>
      {lab.spec !== undefined && !props.lecture && (
        <ExplainPanel
          algorithm={lab.spec.name}
          open={props.explainOpen}
          onToggle={props.setExplainOpen}
        />
      )}
      {lab.spec !== undefined && <FamilyPlots family={lab.spec.family} large={props.lecture} />}
      {/* In lecture mode the tour stands beside the full-height stage, above the checks. */}
      <div class="side">
        {props.lecture && <TourPanel lab={lab} run={run} goTo={goTo} />}
        {run.result !== null ? (
          <Panels run={run} result={run.result} t={t} types={types} />
        ) : (
          <TraceChecks run={run} t={t} />
        )}
      </div>
    </section>
  );
}

/** EN / 中文: the whole page's language, kept in the URL. */
function LanguageSwitch(props: { lang: Lang; setLang: (lang: Lang) => void }) {
  const tr = useT();
  const choices: [Lang, string][] = [
    ['en', 'EN'],
    ['zh', '中文'],
  ];
  return (
    <fieldset class="lang-switch">
      <legend class="visually-hidden">{tr('language')}</legend>
      {choices.map(([lang, label]) => (
        <button
          key={lang}
          type="button"
          lang={lang === 'zh' ? 'zh-CN' : 'en'}
          data-lang={lang}
          aria-pressed={props.lang === lang}
          onClick={() => props.setLang(lang)}
        >
          {label}
        </button>
      ))}
    </fieldset>
  );
}

/** Simulator / Partitioning: the page's two views, the choice kept in the URL (view=). */
function ViewSwitch(props: { page: Page; setPage: (page: Page) => void }) {
  const tr = useT();
  const choices: [Page, string][] = [
    ['simulator', tr('viewSimulator')],
    ['partition', tr('viewPartitioning')],
  ];
  return (
    <nav class="view-switch" aria-label={tr('views')}>
      {choices.map(([page, label]) => (
        <button
          key={page}
          type="button"
          data-view={page}
          aria-pressed={props.page === page}
          onClick={() => props.setPage(page)}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}

type Page = ViewState['page'];

/** The first screen of a phone shows the stage; the explanation waits behind its summary. */
const startsOpen = () => !matchMedia('(max-width: 700px)').matches;

/** What the page opens at: the URL's slider time and lecture mode. */
const opening = readView();

/** A key outside text fields and without modifiers: the page's shortcuts. */
function isShortcut(e: KeyboardEvent, key: string): boolean {
  const target = e.target as HTMLElement | null;
  if (target?.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey)
    return false;
  return e.key.toLowerCase() === key;
}

/**
 * Lecture mode (button or the L key): the stage fills the screen with large type, the
 * scenario picker and tour above it; kept in the URL as lecture=1. Turning it on also asks
 * the browser for full screen (a user's click or key press); a refusal leaves the layout.
 */
function useLecture() {
  const [lecture, setLecture] = useState(opening.lecture);
  const toggle = () =>
    setLecture((on) => {
      const next = !on;
      writeView({ lecture: next });
      if (next) document.documentElement.requestFullscreen?.().catch(() => undefined);
      else if (document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
      return next;
    });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isShortcut(e, 'l')) toggle();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return { lecture, toggle };
}

/** The slider's time in the URL (t=), written once the slider rests, so a link opens there. */
function useTimeInUrl(t: number) {
  useEffect(() => {
    const id = setTimeout(() => writeView({ t }), 250);
    return () => clearTimeout(id);
  }, [t]);
}

export function App() {
  const [t, setT] = useState(opening.t);
  const { lecture, toggle: toggleLecture } = useLecture();
  useTimeInUrl(t);
  const lab = useLabRun(setT);
  const { spec } = lab;
  const [lang, setLangState] = useState<Lang>(readLang);
  const [explainOpen, setExplainOpen] = useState(startsOpen);
  const [page, setPageState] = useState<Page>(opening.page);
  const setPage = (next: Page) => {
    writeView({ page: next });
    setPageState(next);
  };
  const setLang = (next: Lang) => {
    writeLang(next);
    setLangState(next);
  };
  useEffect(() => writeLang(lang), [lang]);
  return (
    <LangContext.Provider value={lang}>
      <main class={lecture ? 'lecture' : undefined}>
        <header class="page-header">
          <h1>{chrome('title', lang)}</h1>
          <LanguageSwitch lang={lang} setLang={setLang} />
          <ViewSwitch page={page} setPage={setPage} />
          <button
            type="button"
            class="lecture-toggle"
            aria-pressed={lecture}
            aria-keyshortcuts="L"
            onClick={toggleLecture}
          >
            {chrome('lectureMode', lang)} (L)
          </button>
          <p hidden={page !== 'simulator'}>
            {spec !== undefined && summaryIn(spec, lang)}{' '}
            {spec !== undefined && (
              <a
                class="seed"
                href={`#${SEED_PASSAGE_ID}`}
                onClick={(e) => {
                  e.preventDefault();
                  showSeedPassage(() => setExplainOpen(true));
                }}
              >
                {chrome('notes', lang)} {spec.seed}
              </a>
            )}
          </p>
        </header>
        {page === 'partition' && <PartitionView />}
        {page === 'simulator' && <Controls lab={lab} lecture={lecture} />}
        {page === 'simulator' && lab.run !== null && (
          <RunView
            lab={lab}
            run={lab.run}
            t={t}
            setT={setT}
            explainOpen={explainOpen}
            setExplainOpen={setExplainOpen}
            lecture={lecture}
          />
        )}
      </main>
    </LangContext.Provider>
  );
}
