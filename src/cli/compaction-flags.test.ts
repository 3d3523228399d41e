// etcd's auto-compaction flags as etcd 3.4 reads them: whole numbers are hours (periodic) or
// revisions (revision mode), other values Go durations; bad values are usage errors.

import { describe, expect, it } from 'vitest';
import { parseAutoCompaction, parseGoDuration } from './compaction-flags.js';
import { UsageError } from './usage-error.js';

describe('auto-compaction flags', () => {
  it('reads Go durations', () => {
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('2.5s')).toBe(2500);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('1500us')).toBe(1.5);
    expect(parseGoDuration('-3m')).toBe(-180_000);
    for (const bad of ['', '5', 'h', '1x', '1h 2m', '1.2.3s'])
      expect(parseGoDuration(bad)).toBe(undefined);
  });

  it('reads the retention by mode, as etcd does', () => {
    expect(parseAutoCompaction('periodic', '0')).toEqual({ mode: 'periodic', retentionMs: 0 });
    expect(parseAutoCompaction('periodic', '')).toEqual({ mode: 'periodic', retentionMs: 0 });
    expect(parseAutoCompaction('periodic', '2')).toEqual({
      mode: 'periodic',
      retentionMs: 7_200_000,
    });
    expect(parseAutoCompaction('periodic', '30m')).toEqual({
      mode: 'periodic',
      retentionMs: 1_800_000,
    });
    expect(parseAutoCompaction('revision', '1000')).toEqual({ mode: 'revision', revisions: 1000 });
  });

  it('refuses what etcd would misread or refuse', () => {
    expect(() => parseAutoCompaction('hourly', '1')).toThrow(UsageError);
    expect(() => parseAutoCompaction('periodic', 'soon')).toThrow(UsageError);
    expect(() => parseAutoCompaction('periodic', '-1h')).toThrow(UsageError);
    expect(() => parseAutoCompaction('revision', '5m')).toThrow(UsageError);
  });
});
