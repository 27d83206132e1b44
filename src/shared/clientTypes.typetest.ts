// Type-level test, checked by `tsc` (npm test's typecheck): each @ts-expect-error must stay an
// error, so a client method whose arguments are required can never again be called without them.
import type { GroupedApi } from './contract';

declare const api: GroupedApi;
// @ts-expect-error chat requires its arguments
void api.inference.chat();
// @ts-expect-error loadModel requires modelId
void api.inference.loadModel();
// Methods without arguments may be called bare.
void api.inference.getState();
void api.library.listModels();
