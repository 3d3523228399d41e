import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tuneHeapGrowth } from './heap-growth.js';

describe('tuneHeapGrowth', () => {
  it("uses a flag this Node's V8 knows (setFlagsFromString ignores unknown ones silently)", () => {
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    expect(options).toMatch(/--heap-growing-percent\b/);
  });

  it('starts once per process and stops', () => {
    const stop = tuneHeapGrowth();
    expect(tuneHeapGrowth()).toBeTypeOf('function'); // A second call starts nothing new.
    stop();
    stop(); // Stopping twice is harmless.
  });
});
