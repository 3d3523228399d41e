/** @jsxImportSource preact */
// The algorithm's explanation beside the stage, in the page's language: what it does and why,
// why it is correct (invariants, fault model, message formula) and the passage of the seed
// notes it implements — quoted in Chinese, with an English rendering on the English page. The
// header's "notes …" link opens it at the passage (#seed-passage). Collapsible; a phone starts
// with it closed so the stage comes first. The texts are data in explain/.

import { explanationOf } from './explain/index.js';
import type { Bilingual } from './explain/types.js';
import { type ChromeKey, useLang, useT } from './i18n.js';

export const SEED_PASSAGE_ID = 'seed-passage';

/** Opens the panel and brings the quoted passage into view (the header link's target). */
export function showSeedPassage(open: () => void): void {
  open();
  // The passage renders once the panel is open: the next frame has it.
  requestAnimationFrame(() => {
    const passage = document.getElementById(SEED_PASSAGE_ID);
    passage?.scrollIntoView({ block: 'center' });
    passage?.focus({ preventScroll: true });
  });
}

/** The notes' line breaks kept (lists and paragraphs), as the note shows them. */
function Lines(props: { text: string }) {
  const lines = props.text.split('\n').filter((l) => l.trim() !== '');
  return (
    <>
      {lines.map((l, i) => (
        <span key={`${i}-${l.slice(0, 8)}`} class="passage-line">
          {l}
        </span>
      ))}
    </>
  );
}

export function ExplainPanel(props: {
  algorithm: string;
  open: boolean;
  onToggle: (open: boolean) => void;
}) {
  const t = useT();
  const lang = useLang();
  const e = explanationOf(props.algorithm);
  if (e === undefined) return null;
  const text = (b: Bilingual) => b[lang];
  const story: { id: string; label: ChromeKey; value: Bilingual }[] = [
    { id: 'invariants', label: 'invariants', value: e.invariants },
    { id: 'fault-model', label: 'faultModel', value: e.faultModel },
    { id: 'messages', label: 'messageFormula', value: e.messages },
  ];
  return (
    <details
      class="explain"
      open={props.open}
      data-explain-for={props.algorithm}
      onToggle={(ev) => props.onToggle(ev.currentTarget.open)}
    >
      <summary>{t('explanation')}</summary>
      <p class="explain-what" data-explain="what" lang={lang}>
        {text(e.what)}
      </p>
      <h3>{t('correctness')}</h3>
      <dl class="explain-correctness" lang={lang}>
        {story.map(({ id, label, value }) => (
          <div key={id}>
            <dt>{t(label)}</dt>
            <dd data-explain={id}>{text(value)}</dd>
          </div>
        ))}
      </dl>
      <figure class="seed-passage" id={SEED_PASSAGE_ID} tabIndex={-1}>
        <figcaption>
          {t('seedPassage')} <cite>{e.passage.source}</cite>
        </figcaption>
        <blockquote lang="zh-CN" data-explain="passage-zh">
          <Lines text={e.passage.zh} />
        </blockquote>
        {lang === 'en' && (
          <p class="rendering" data-explain="passage-en">
            <span class="rendering-label">{t('rendering')}:</span> {e.passage.en}
          </p>
        )}
      </figure>
    </details>
  );
}
