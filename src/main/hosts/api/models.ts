import type { ModelInfo, RemoteModelInfo } from '../../../shared/dto';
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

/**
 * A provider's model (`<provider>/<model>`), owned by the provider; `hearth` says whether its
 * server answered at the last check (a down provider's models stay listed, with the reason).
 */
function toOpenAiRemoteModel(model: RemoteModelInfo): Record<string, unknown> {
  return { id: model.id, object: 'model', created: 0, owned_by: model.provider, hearth: { provider: model.provider, available: model.available, ...(model.unavailableReason ? { reason: model.unavailableReason } : {}) } };
}

/** `GET /v1/models`: every readable model in the library, loaded or not, then the providers' models. */
export async function listModels(ex: ApiExchange, ctx: ApiContext): Promise<void> {
  const models = await ctx.models.listModels();
  const remote = ctx.core.providers.remoteModels().map(toOpenAiRemoteModel);
  ex.sendJson(200, { object: 'list', data: [...models.filter((model) => model.status === 'ok').map(toOpenAiModel), ...remote] });
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
  const remote = ctx.core.providers.remoteModels().find((candidate) => candidate.id === id);
  if (!model && remote) return ex.sendJson(200, toOpenAiRemoteModel(remote));
  if (!model) throw new ApiError(404, 'not_found_error', `The model "${id.slice(0, 200)}" does not exist in Hearth's library.`, 'model', 'model_not_found', undefined, 'NOT_FOUND');
  ex.sendJson(200, toOpenAiModel(model));
}
