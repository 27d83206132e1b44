import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import type { Plugin } from 'vite';
import { cspMetaTag } from './src/shared/csp';

/**
 * Writes the Content-Security-Policy meta tag into index.html from src/shared/csp.ts, the same
 * policy both hosts send as a header, so the page never carries a second copy of it. The build
 * fails when the placeholder is missing or the page already holds a policy of its own.
 */
function contentSecurityPolicyMeta(): Plugin {
  const placeholder = /<!--\s*content-security-policy\b[^>]*-->/;
  return {
    name: 'hearth-csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler(html, { filename }) {
        if (/http-equiv=["']?Content-Security-Policy/i.test(html)) throw new Error(`${filename}: holds its own CSP; it comes from src/shared/csp.ts`);
        if (!placeholder.test(html)) throw new Error(`${filename}: no <!-- content-security-policy --> placeholder for the CSP meta tag`);
        return html.replace(placeholder, cspMetaTag());
      },
    },
  };
}

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
    plugins: [contentSecurityPolicyMeta(), react(), tailwindcss()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      // Never inline assets as data: URLs: the CSP allows fonts only from 'self' (KaTeX's fonts).
      assetsInlineLimit: 0,
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
  },
});
