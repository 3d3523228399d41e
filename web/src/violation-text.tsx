/** @jsxImportSource preact */
// A broken check's message, under its name in the checks panel, in the page's language
// (i18n/violations.ts). A message without its Chinese sentence is shown as the checker wrote
// it, marked 原文 and tagged lang="en" so a reader (and a screen reader) knows it is English.

import { violationIn } from './i18n/violations.js';
import { useLang } from './i18n.js';

export function ViolationText(props: { message: string; suffix?: string }) {
  const lang = useLang();
  const { text, original } = violationIn(props.message, lang);
  return (
    <div class="violation" data-original={original ? '' : undefined}>
      {original && <span class="original-mark">原文：</span>}
      <span lang={original ? 'en' : undefined}>{text}</span>
      {props.suffix}
    </div>
  );
}
