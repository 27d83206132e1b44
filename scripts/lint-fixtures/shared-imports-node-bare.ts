// Lint fixture for scripts/lintLayering.test.ts: never compiled (excluded in tsconfig.json) and
// ignored by `eslint .`; the test lints it as if it lived at the `lint-as` path.
// lint-as: src/shared/fixture.ts
// expect: shared runs in the renderer too: no Node built-ins.
import { join } from 'path';
