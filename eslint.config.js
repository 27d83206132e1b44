// Lint rules, including the layering the architecture depends on:
// core and shared never import electron; shared and renderer never import node:*;
// the renderer never imports main.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'stream', 'url', 'worker_threads'];

export default tseslint.config(
  { ignores: ['.tmp/**', 'out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name='cwd'][callee.object.name='process']", message: 'Paths come from options, never process.cwd().' }],
    },
  },
  {
    files: ['src/main/core/**/*.ts', 'src/main/hosts/**/*.ts', 'src/main/cli/**/*.ts', 'src/main/headless.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Core and the headless host never import electron: put Electron code in src/main/electron.' }] }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'shared is imported by every process: no electron.' }, { name: 'react', message: 'shared holds no UI.' }],
        patterns: [{ group: nodeBuiltins, message: 'shared runs in the renderer too: no Node built-ins.' }],
      }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks to the app only through src/renderer/src/api.' }],
        patterns: [
          { group: nodeBuiltins, message: 'The renderer is a web page: no Node built-ins.' },
          { group: ['**/main/**', '**/main'], message: 'The renderer never imports main-process code; share types via src/shared.' },
        ],
      }],
    },
  },
  {
    files: ['src/main/fixtures/**/*.ts', 'scripts/**/*', 'bench/**/*.ts', 'e2e/**/*.ts', '*.config.*'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
