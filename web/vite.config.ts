// The Lab's build: a single page in web/, bundling the simulator and every algorithm from
// src/ for the browser, into dist/web (served by `cohort lab`).

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  build: { outDir: here('../dist/web'), emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  resolve: {
    alias: [
      { find: /^node:crypto$/, replacement: here('src/shims/node-crypto.ts') },
      { find: /^crypto$/, replacement: here('src/shims/node-crypto.ts') },
    ],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
