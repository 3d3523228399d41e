// The Lab's run settings (algorithm, nodes, seed, fault plan, options, and the named scenario
// they were loaded from with its duration) and the run made from them. A run starts from the URL's settings, and every successful run writes its
// settings back to the URL, so a link replays the identical run. Fault-plan edits from the
// stage (a click on a node or a link) rewrite the plan and run it at once. Bad input — an
// unparsable option, node count or plan, or a trace file that is not one — becomes the
// error the page shows; the previous run stays on screen (unless it was another
// algorithm's). Choosing an algorithm or a scenario runs it at once.

import { type Dispatch, type StateUpdater, useEffect, useState } from 'preact/hooks';
import { findAlgorithm } from '../../src/algorithms/registry.js';
import { parseOptionFields } from '../../src/core/option-parser.js';
import { parseFaultPlan } from '../../src/sim/fault-plan.js';
import { defaultNodes } from '../../src/sim/run.js';
import { toggleLink } from './links.js';
import { type LabRun, type RunInput, runFromTrace, runLab } from './run.js';
import { type ScenarioSettings, scenarioSettings, stillScenario } from './scenarios.js';
import { readUrl, writeUrl } from './url-state.js';

const initial = readUrl({
  algorithm: 'consensus/raft',
  nodes: undefined,
  seed: 1,
  faults: '',
  options: {},
});

interface Settings extends ScenarioSettings {
  readonly algorithm: string;
  readonly seed: number;
}

/** What a newly chosen algorithm starts from: its defaults, no plan, no scenario. */
const DEFAULTS: ScenarioSettings = {
  scenario: '',
  rawOptions: {},
  nodesText: '',
  faults: '',
  durationMs: undefined,
};

/** The run the settings and plan describe; throws what does not parse. */
function inputOf(s: Settings, plan: string): RunInput {
  const spec = findAlgorithm(s.algorithm);
  if (spec === undefined) throw new Error(`unknown algorithm ${s.algorithm}`);
  const options = parseOptionFields(spec, s.rawOptions);
  const nodes = s.nodesText === '' ? defaultNodes(spec, options) : Number(s.nodesText);
  parseFaultPlan(plan, nodes);
  return {
    algorithm: s.algorithm,
    nodes: s.nodesText === '' ? undefined : nodes,
    seed: s.seed,
    faults: plan,
    options,
    ...(s.durationMs !== undefined && { durationMs: s.durationMs }),
  };
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The settings as page state, starting from the URL's. */
function useSettings() {
  const [algorithm, setAlgorithm] = useState(initial.algorithm);
  const [nodesText, setNodesText] = useState(
    initial.nodes === undefined ? '' : String(initial.nodes),
  );
  const [seed, setSeed] = useState(initial.seed);
  const [faults, setFaults] = useState(initial.faults);
  const [rawOptions, setRawOptions] = useState<Record<string, string>>(initial.rawOptions);
  const [scenario, setScenario] = useState(initial.scenario);
  const [durationMs, setDurationMs] = useState(initial.durationMs);
  const settings: Settings = {
    algorithm,
    nodesText,
    seed,
    faults,
    rawOptions,
    scenario,
    durationMs,
  };
  /** Replaces the scenario-shaped part of the settings (a scenario, or the defaults). */
  const load = (next: ScenarioSettings) => {
    setScenario(next.scenario);
    setRawOptions(next.rawOptions);
    setNodesText(next.nodesText);
    setFaults(next.faults);
    setDurationMs(next.durationMs);
  };
  return {
    settings,
    setters: { setNodesText, setSeed, setFaults, setRawOptions },
    setAlgorithm,
    setScenario,
    load,
  };
}

/** `setT` moves the page's time: a new run keeps it (clamped to its end), a trace resets it. */
export function useLabRun(setT: Dispatch<StateUpdater<number>>) {
  const { settings, setters, setAlgorithm, setScenario, load } = useSettings();
  const { faults } = settings;
  const [run, setRun] = useState<LabRun | null>(null);
  const [error, setError] = useState<string | null>(null);

  /**
   * Runs the given settings (the current ones unless overridden). A run that fails for a
   * newly chosen algorithm clears the stage: the previous algorithm's run is no answer.
   */
  const execute = (plan = faults, over: Partial<Settings> = {}) => {
    const given = { ...settings, ...over, faults: plan };
    // Edited since it was loaded, a scenario's settings are another run: its name goes.
    const named = scenarioSettings(findAlgorithm(given.algorithm), given.scenario);
    const s =
      named !== undefined && stillScenario(named, given) ? given : { ...given, scenario: '' };
    if (s.scenario !== settings.scenario) setScenario(s.scenario);
    try {
      const input = inputOf(s, plan);
      const next = runLab(input);
      writeUrl(input, s.rawOptions, s.scenario);
      setRun(next);
      setError(null);
      setT((old) => Math.min(old, next.endMs));
    } catch (e) {
      if (s.algorithm !== run?.spec?.name) setRun(null);
      setError(messageOf(e));
    }
  };
  useEffect(() => execute(), []);

  /** Append one fault-plan line (e.g. `crash 2 @400`) and run the new plan. */
  const addFault = (line: string) => {
    const plan = faults.trim() === '' ? line : `${faults.trim()}; ${line}`;
    setters.setFaults(plan);
    execute(plan);
  };
  /** Cut the link a–b at atMs, or heal it if the plan has it cut then, and run the new plan. */
  const toggleLinkAt = (a: number, b: number, atMs: number) => {
    if (run === null) return;
    try {
      const plan = toggleLink(faults, run.nodes, a, b, atMs);
      setters.setFaults(plan);
      execute(plan);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  /** Show a recorded trace (`cohort sim --trace`) instead of a run, from its start. */
  const importTrace = async (file: File | undefined) => {
    if (file === undefined) return;
    try {
      setRun(runFromTrace(await file.text()));
      setT(0);
      setError(null);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  /** Loads and runs a named scenario of the algorithm ('' goes back to its defaults). */
  const selectScenario = (name: string) => {
    const next = scenarioSettings(findAlgorithm(settings.algorithm), name) ?? DEFAULTS;
    load(next);
    execute(next.faults, next);
  };
  /**
   * Another algorithm runs at once from its defaults (options, cluster size, an empty
   * plan: a plan written for one algorithm's nodes rarely means the same for another's),
   * so stage, checks, metrics and URL all show it; the seed stays.
   */
  const selectAlgorithm = (name: string) => {
    setAlgorithm(name);
    load(DEFAULTS);
    execute('', { ...DEFAULTS, algorithm: name });
  };

  return {
    ...settings,
    ...setters,
    spec: findAlgorithm(settings.algorithm),
    run,
    error,
    selectAlgorithm,
    selectScenario,
    execute,
    addFault,
    toggleLinkAt,
    importTrace,
  };
}

export type Lab = ReturnType<typeof useLabRun>;
