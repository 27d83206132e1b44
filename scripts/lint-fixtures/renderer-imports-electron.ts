// Lint fixture for scripts/lintLayering.test.ts: never compiled (excluded in tsconfig.json) and
// ignored by `eslint .`; the test lints it as if it lived at the `lint-as` path.
// lint-as: src/renderer/src/app/fixture.ts
// expect: The renderer talks to the app only through src/renderer/src/api: no electron.
import { ipcRenderer } from 'electron';
