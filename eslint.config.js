// Lint rules, including the layering the architecture depends on (ARCHITECTURE.md):
//   src/shared       imports nothing of main, renderer or preload; no Node built-ins, electron, react.
//   src/main/core    no host (src/main/hosts), no electron (package or src/main/electron), no renderer, no preload.
//   src/main/hosts   (and the CLI / headless entries) no electron, no renderer, no preload.
//   src/renderer     only src/shared: no main, no preload, no Node built-ins, no electron.
//   src/preload      electron and src/shared only: no main.
// In flat config a later object's `no-restricted-imports` replaces an earlier one for the same
// file, so each layer gets one complete rule built from the `forbid` pieces below.
// scripts/lintLayering.test.ts proves every direction fires (fixtures in scripts/lint-fixtures).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * Each piece bans one thing with one message. Package names are exact `paths` (a glob like `path`
 * would also catch a local `./path`); folders are globs on the import specifier, so
 * `../hosts/webHost` and `../../main/core/x` are caught from any depth.
 */
const forbid = {
  nodeBuiltins: (message) => ({
    paths: builtinModules.filter((name) => !name.startsWith('_')).map((name) => ({ name, message })),
    patterns: [{ group: ['node:*'], message }],
  }),
  // The package, its subpaths and the src/main/electron folder, as one group so one import reports once.
  electron: (message) => ({ patterns: [{ group: ['electron', 'electron/*', '**/electron', '**/electron/**'], message }] }),
  react: (message) => ({
    paths: ['react', 'react-dom'].map((name) => ({ name, message })),
    patterns: [{ group: ['react/*', 'react-dom/*'], message }],
  }),
  folder: (folder, message) => ({ patterns: [{ group: [`**/${folder}`, `**/${folder}/**`], message }] }),
};

/** Merges pieces into one complete `no-restricted-imports` rule. */
function restrictImports(...pieces) {
  return ['error', { paths: pieces.flatMap((p) => p.paths ?? []), patterns: pieces.flatMap((p) => p.patterns ?? []) }];
}

export default tseslint.config(
  { ignores: ['.tmp/**', 'out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**', 'scripts/lint-fixtures/**', '**/*.json'] },
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
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        forbid.folder('main', 'shared is imported by every process: it never imports src/main.'),
        forbid.folder('renderer', 'shared is imported by every process: it never imports src/renderer.'),
        forbid.folder('preload', 'shared is imported by every process: it never imports src/preload.'),
        forbid.nodeBuiltins('shared runs in the renderer too: no Node built-ins.'),
        forbid.electron('shared is imported by every process: no electron.'),
        forbid.react('shared holds no UI: no react.'),
      ),
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        forbid.folder('hosts', 'Core never imports a host (src/main/hosts): hosts call core, not the reverse.'),
        forbid.electron('Core never imports electron (the package or src/main/electron): it is plain Node, shared by both hosts.'),
        forbid.folder('renderer', 'Core never imports the renderer; share types via src/shared.'),
        forbid.folder('preload', 'Core never imports the preload; share types via src/shared.'),
      ),
    },
  },
  {
    files: ['src/main/hosts/**/*.ts', 'src/main/cli/**/*.ts', 'src/main/headless.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        forbid.electron('The headless host and the CLI never import electron (the package or src/main/electron): put Electron code in src/main/electron.'),
        forbid.folder('renderer', 'Hosts never import the renderer; they serve its build output. Share types via src/shared.'),
        forbid.folder('preload', 'Hosts never import the preload; share types via src/shared.'),
      ),
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrictImports(
        forbid.folder('main', 'The renderer never imports main-process code; share types via src/shared.'),
        forbid.folder('preload', 'The renderer never imports the preload: it reaches the app only through src/renderer/src/api.'),
        forbid.nodeBuiltins('The renderer is a web page: no Node built-ins.'),
        forbid.electron('The renderer talks to the app only through src/renderer/src/api: no electron.'),
      ),
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        forbid.folder('main', 'The preload never imports main-process code: only electron and src/shared.'),
      ),
    },
  },
  {
    files: ['src/main/fixtures/**/*.ts', 'scripts/**/*', 'bench/**/*.ts', 'e2e/**/*.ts', '*.config.*'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
