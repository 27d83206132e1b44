// Lint fixture for scripts/lintLayering.test.ts: never compiled (excluded in tsconfig.json) and
// ignored by `eslint .`; the test lints it as if it lived at the `lint-as` path.
// lint-as: src/main/hosts/fixture.ts
// expect: allowed
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { createCore } from '../core/createCore';
import { dispatch } from '../../shared/dispatcher';
