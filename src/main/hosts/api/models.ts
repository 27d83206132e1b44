import type { ModelInfo } from '../../../shared/dto';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { ApiError } from './openaiErrors';

/** One model as OpenAI's `/v1/models` lists it: `created` is the file's modification time, in seconds. */
function toOpenAiModel(model: ModelInfo): Record<string, unknown> {
  return {
    id: model.id,
    object: 'model',
    created: Math.floor(Date.parse(model.modifiedAt) / 1000) || 0,
    owned_by: model.publisher ?? 'local',
  };
}

/** `GET /v1/models`: every readable model in the library, loaded or not. */
export async function listModels(ex: ApiExchange, ctx: ApiContext): Promise<void> {
  const models = await ctx.models.listModels();
  ex.sendJson(200, { object: 'list', data: models.filter((model) => model.status === 'ok').map(toOpenAiModel) });
}

/**
 * `GET /v1/models/{id}`: ids contain `/` (`owner/repo/file.gguf`), sent as is or percent-encoded
 * (`%2F`, as the official clients do), so everything after the prefix is the id. Answers only the
 * exact id of a readable model.
 */
export async function getModel(ex: ApiExchange, ctx: ApiContext, rawId: string): Promise<void> {
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    id = rawId;
  }
  ex.model = id;
  const model = (await ctx.models.listModels()).find((candidate) => candidate.id === id && candidate.status === 'ok');
  if (!model) throw new ApiError(404, 'not_found_error', `The model "${id.slice(0, 200)}" does not exist in Hearth's library.`, 'model', 'model_not_found', undefined, 'NOT_FOUND');
  ex.sendJson(200, toOpenAiModel(model));
}
