// Lint fixture for scripts/lintLayering.test.ts: never compiled (excluded in tsconfig.json) and
// ignored by `eslint .`; the test lints it as if it lived at the `lint-as` path.
// lint-as: src/main/core/fixture.ts
// expect: Core never imports the preload
import '../../preload/index';
