import type { Core } from '../../core/createCore';
import type { Logger } from '../../core/logging/logger';
import type { ModelOnDemand } from '../../core/generation/modelOnDemand';

/** What every endpoint handler gets besides its request: the core, models on demand, the logger. */
export interface ApiContext {
  core: Core;
  models: ModelOnDemand;
  logger: Logger;
  /** The server has an API key: features only a key holder may use (MCP tools, `mcpLoop.ts`) are allowed. */
  apiKeySet: boolean;
}
