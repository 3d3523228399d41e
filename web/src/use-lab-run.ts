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
import { FaultPlanError, parseFaultPlan } from '../../src/sim/fault-plan.js';
import { defaultNodes } from '../../src/sim/run.js';
import { toggleLink } from './links.js';
import { type LabRun, type RunInput, runLab } from './run.js';
import { type ScenarioSettings, scenarioSettings, stillScenario } from './scenarios.js';
import { importTrace as importTraceFile } from './trace-import.js';
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
  // As the simulator reads it (a run's whole history): its errors, shown at the character.
  parseFaultPlan(plan, nodes, { fromStart: true });
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

/** What a run was made from, to tell when the settings have been edited since. */
const keyOf = (s: Settings) =>
  JSON.stringify([s.algorithm, s.nodesText, s.seed, s.faults, s.rawOptions]);

/** The plan's first error for these settings, if the plan is what does not parse. */
function planErrorOf(s: Settings): FaultPlanError | null {
  try {
    inputOf(s, s.faults);
    return null;
  } catch (e) {
    return e instanceof FaultPlanError ? e : null;
  }
}

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

/**
 * The run on screen, its error and the settings it was made from, and `execute`, which
 * runs settings (the current ones unless overridden) and writes them to the URL.
 */
function useRunner(
  settings: Settings,
  setScenario: (name: string) => void,
  setT: Dispatch<StateUpdater<number>>,
) {
  const [run, setRun] = useState<LabRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ranKey, setRanKey] = useState<string | null>(null);

  /**
   * Runs the given settings (the current ones unless overridden). A run that fails for a
   * newly chosen algorithm clears the stage: the previous algorithm's run is no answer.
   */
  const execute = (plan = settings.faults, over: Partial<Settings> = {}) => {
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
      setRanKey(keyOf(s));
      setError(null);
      setT((old) => Math.min(old, next.endMs));
    } catch (e) {
      if (s.algorithm !== run?.spec?.name) setRun(null);
      // A plan's error is shown under the plan, at its character (planError below).
      setError(e instanceof FaultPlanError ? null : messageOf(e));
    }
  };
  useEffect(() => execute(), []);
  return { run, setRun, error, setError, ranKey, setRanKey, execute };
}

/** `setT` moves the page's time: a new run keeps it (clamped to its end), a trace resets it. */
export function useLabRun(setT: Dispatch<StateUpdater<number>>) {
  const { settings, setters, setAlgorithm, setScenario, load } = useSettings();
  const { faults } = settings;
  const { run, setRun, error, setError, ranKey, setRanKey, execute } = useRunner(
    settings,
    setScenario,
    setT,
  );

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
  /**
   * Show a recorded trace (`cohort sim --trace`) from its start, with the settings it
   * holds in place of the form's (trace-import.ts): the form describes what is on screen.
   */
  const importTrace = async (file: File | undefined) => {
    if (file === undefined) return;
    try {
      const imported = importTraceFile(await file.text(), file.name);
      const next: Settings = {
        ...DEFAULTS,
        algorithm: imported.algorithm ?? settings.algorithm,
        seed: imported.seed ?? settings.seed,
        nodesText: String(imported.run.nodes),
        faults: imported.run.faults,
      };
      setAlgorithm(next.algorithm);
      setters.setSeed(next.seed);
      load(next);
      if (imported.run.input !== null) writeUrl(imported.run.input, {}, '');
      setRun(imported.run);
      setRanKey(keyOf(next));
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
    /** The fault plan's error as typed (checked on every edit, not only at Run). */
    planError: planErrorOf(settings),
    /** The settings were edited since the run on screen was made: it is not theirs. */
    stale: run !== null && ranKey !== null && ranKey !== keyOf(settings),
    selectAlgorithm,
    selectScenario,
    execute,
    addFault,
    toggleLinkAt,
    importTrace,
  };
}

export type Lab = ReturnType<typeof useLabRun>;
