import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    // Generous: fuzz campaigns on a busy 2-core machine. A test is judged by what it
    // checks, never by how long it takes.
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
