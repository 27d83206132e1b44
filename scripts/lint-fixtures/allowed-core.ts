// Lint fixture for scripts/lintLayering.test.ts: never compiled (excluded in tsconfig.json) and
// ignored by `eslint .`; the test lints it as if it lived at the `lint-as` path.
// lint-as: src/main/core/inference/fixture.ts
// expect: allowed
import { readFile } from 'node:fs/promises';
import { createConsoleLogger } from '../logging/logger';
import type { AppApi } from '../../../shared/contract';
