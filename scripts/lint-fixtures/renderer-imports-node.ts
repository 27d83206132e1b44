// Lint fixture for scripts/lintLayering.test.ts: never compiled (excluded in tsconfig.json) and
// ignored by `eslint .`; the test lints it as if it lived at the `lint-as` path.
// lint-as: src/renderer/src/app/fixture.tsx
// expect: The renderer is a web page: no Node built-ins.
import { readFileSync } from 'fs';
