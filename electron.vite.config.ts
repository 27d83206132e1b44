import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

/**
 * Three builds:
 * - main: the Electron entry, the headless/CLI entry and the engine worker (forked as its own
 *   process). node-llama-cpp and every other dependency stay external (it ships native binaries).
 * - preload: one sandboxed CommonJS file with its few dependencies bundled in, because a
 *   sandboxed preload cannot `require` from node_modules.
 * - renderer: the React app; served by Electron from disk, or by the headless host over HTTP.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          headless: resolve(import.meta.dirname, 'src/main/headless.ts'),
          engineWorker: resolve(import.meta.dirname, 'src/main/core/engine/engineWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), tailwindcss()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
  },
});
