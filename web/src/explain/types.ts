// The shape of an algorithm's explanation in the Lab: what it does and why, its correctness
// story (invariants, fault model, message formula) and the seed-note passage it implements,
// each in English and Chinese. The texts are data (one file per family beside this one);
// index.ts maps registered algorithm names to them, and test/lab-explain.test.ts checks that
// every listed algorithm has one, complete in both languages, quoting the notes verbatim.

export type Lang = 'en' | 'zh';

/** One text in both languages. */
export interface Bilingual {
  readonly en: string;
  readonly zh: string;
}

/** The passage of the seed notes an algorithm implements, quoted as the notes have it. */
export interface SeedPassage {
  /** Which note and section, e.g. `001 §2.1.3 令牌环算法` (notes are ../shared/seeds/NNN_*). */
  readonly source: string;
  /**
   * The notes' own words, verbatim; `……` joins excerpts that are apart in the note (the test
   * finds each excerpt in the notes).
   */
  readonly zh: string;
  /** An English rendering of the quote. */
  readonly en: string;
}

export interface Explanation {
  /** One paragraph: what the algorithm does and why. */
  readonly what: Bilingual;
  /** The correctness story in words: what its invariants say and why they hold. */
  readonly invariants: Bilingual;
  /** The faults it claims to survive (its declared fault model) and what lies outside. */
  readonly faultModel: Bilingual;
  /** Its message formula and where it comes from. */
  readonly messages: Bilingual;
  readonly passage: SeedPassage;
}
