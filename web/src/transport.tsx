/** @jsxImportSource preact */
// The time controls under the stage: play/pause at a chosen speed (simulated ms per real
// ms), step to the next trace record, a slider over the run with a tick at every broken
// safety check and marks for the run's fault events and drops (markers.ts), a jump to the
// first broken check, and "Heal links" at the current time.

import { type Dispatch, type StateUpdater, useEffect, useMemo, useState } from 'preact/hooks';
import { checkNameIn } from './i18n/registry-text.js';
import { useLang, useT } from './i18n.js';
import { dropMarkersOf, faultMarkersOf } from './markers.js';
import type { LabRun } from './run.js';

type SetTime = Dispatch<StateUpdater<number>>;

/**
 * While playing, time advances every animation frame; at the end of the run playback stops
 * (the button then offers Replay, not a Pause that would do nothing).
 */
export function usePlayback(run: LabRun, setT: SetTime) {
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(0.2);
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      setT((old) => Math.min(run.endMs, old + (now - last) * speed));
      last = now;
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, run, speed]);
  return { playing, setPlaying, speed, setSpeed };
}

/** Where on the track a time is (0..1), for the marks' CSS. */
const place = (run: LabRun, t: number) => String(run.endMs > 0 ? t / run.endMs : 1);

/** Fault events above the track (a symbol per kind), dropped messages below it. */
function Markers({ run }: { run: LabRun }) {
  const faults = useMemo(() => faultMarkersOf(run), [run]);
  const drops = useMemo(() => dropMarkersOf(run), [run]);
  const tr = useT();
  return (
    <>
      {faults.map((f, i) => (
        <span
          key={`${i}-${f.text}`}
          class={`fault-marker fault-${f.verb}`}
          data-fault-at={f.t}
          data-fault={f.text}
          style={{ '--at': place(run, f.t) }}
          title={`${f.text} (${f.t} ms)`}
        >
          {FAULT_SYMBOL[f.verb]}
        </span>
      ))}
      {drops.map((d) => (
        <span
          key={d.t}
          class="drop-marker"
          data-drops={d.count}
          style={{ '--at': place(run, d.t) }}
          title={`${d.count} ${tr('dropsFrom')} ${d.t.toFixed(0)} ms`}
        />
      ))}
    </>
  );
}

/** One symbol per kind of fault event: down, up, cut, whole, paused. */
const FAULT_SYMBOL: Record<string, string> = {
  crash: '✕',
  restart: '↑',
  pause: '‖',
  resume: '▸',
  partition: '⫽',
  heal: '∥',
  block: '→',
  unblock: '⇢',
  loss: '·',
  dup: '·',
  other: '!',
};

/** The slider, with a tick where each broken safety check broke and the run's faults marked. */
function Timeline(props: { run: LabRun; t: number; setT: SetTime }) {
  const { run } = props;
  const tr = useT();
  const lang = useLang();
  return (
    <div class="timeline">
      <input
        type="range"
        aria-label="time in ms"
        min={0}
        max={run.endMs}
        step="any"
        value={props.t}
        onInput={(e) => props.setT(Number(e.currentTarget.value))}
      />
      {run.violations.map((v) => (
        <span
          key={`${v.check}-${v.t}`}
          class="violation-tick"
          data-violation-at={v.t}
          style={{ '--at': place(run, v.t) }}
          title={`${checkNameIn(v.check, lang)} ${tr('brokeAt')} ${v.t} ms`}
        />
      ))}
      <Markers run={run} />
    </div>
  );
}

export type Playback = ReturnType<typeof usePlayback>;

/** The playback state lives with the caller, so a tour's "Next" can pause it. */
export function Transport(props: {
  run: LabRun;
  t: number;
  setT: SetTime;
  playback: Playback;
  onHeal: () => void;
}) {
  const { run, t, setT } = props;
  const { playing, setPlaying, speed, setSpeed } = props.playback;
  const firstViolation = run.violations[0];
  const step = () => setT(run.records.find((r) => r.t > t)?.t ?? run.endMs);
  const atEnd = t >= run.endMs;
  // Playback that reaches the end stops there (see usePlayback).
  useEffect(() => {
    if (playing && atEnd) setPlaying(false);
  }, [playing, atEnd]);
  const tr = useT();
  return (
    <fieldset class="transport">
      <legend>{tr('time')}</legend>
      <button
        type="button"
        class="play"
        onClick={() => {
          // At the end, Replay starts the run again from its beginning.
          if (!playing && atEnd) setT(0);
          setPlaying(!playing);
        }}
      >
        {playing ? tr('pause') : atEnd ? tr('replay') : tr('play')}
      </button>
      <button type="button" onClick={step}>
        {tr('step')}
      </button>
      <label>
        {tr('speed')}
        <select value={String(speed)} onChange={(e) => setSpeed(Number(e.currentTarget.value))}>
          {[0.01, 0.05, 0.2, 1, 5].map((s) => (
            <option value={String(s)} key={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <Timeline run={run} t={t} setT={setT} />
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
          {tr('jumpToViolation')} ({firstViolation.t.toFixed(1)} ms)
        </button>
      )}
      <button type="button" onClick={props.onHeal}>
        {tr('healLinks')}
      </button>
    </fieldset>
  );
}
