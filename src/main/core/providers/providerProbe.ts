import type { ProviderKind } from '../../../shared/dto';
import { ProviderError } from './providerFaults';
import type { ProviderClient } from './providerClient';

/** What answers behind a URL, as it says itself. */
export interface Recognition {
  kind: ProviderKind;
  version: string | null;
}

/**
 * Asks the places where known servers say what they are, all at once (each probe is bounded and
 * its failure only means "not this one"): Ollama and Hearth answer `/api/version` (Hearth's
 * `/api/ps` also carries its own `hearth` object, Ollama's does not), llama-server `/props` (with
 * `build_info`), vLLM `/version`. Anything else that serves `/v1/models` is `openai-compatible`.
 */
export async function recognise(client: ProviderClient): Promise<Recognition> {
  const [apiVersion, props, version] = await Promise.all([client.tryGetJson('/api/version'), client.tryGetJson('/props'), client.tryGetJson('/version')]);
  const said = (value: unknown, key: string): string | null => {
    const field = (value as Record<string, unknown> | undefined)?.[key];
    return typeof field === 'string' || typeof field === 'number' ? String(field).slice(0, 100) : null;
  };
  if (said(apiVersion, 'version') !== null) {
    const ps = await client.tryGetJson('/api/ps');
    const isHearth = typeof ps === 'object' && ps !== null && 'hearth' in ps;
    return { kind: isHearth ? 'hearth' : 'ollama', version: said(apiVersion, 'version') };
  }
  if (typeof props === 'object' && props !== null && ('build_info' in props || 'default_generation_settings' in props)) return { kind: 'llama-server', version: said(props, 'build_info') };
  if (said(version, 'version') !== null) return { kind: 'vllm', version: said(version, 'version') };
  return { kind: 'openai-compatible', version: null };
}

/** A model as `/v1/models` lists it: its id, and its context length when the server says (vLLM's `max_model_len`, llama-server's `meta.n_ctx_train`). */
export interface ListedModel {
  id: string;
  contextSize?: number;
}

/** The models `/v1/models` lists (OpenAI's `{data: [{id}]}`), in its order, each once. */
export async function listRemoteModels(client: ProviderClient): Promise<ListedModel[]> {
  const page = (await client.getJson('/v1/models')) as { data?: unknown };
  if (!Array.isArray(page?.data)) throw new ProviderError('NETWORK', `Provider '${client.endpoint.name}' answered /v1/models without a list of models: is its URL the server's base URL?`);
  const seen = new Set<string>();
  const models: ListedModel[] = [];
  for (const entry of page.data as Array<{ id?: unknown; max_model_len?: unknown; meta?: { n_ctx_train?: unknown } } | null>) {
    const id = entry?.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 1_000 || seen.has(id)) continue;
    seen.add(id);
    const context = entry?.max_model_len ?? entry?.meta?.n_ctx_train;
    models.push({ id, ...(typeof context === 'number' && Number.isInteger(context) && context > 0 ? { contextSize: context } : {}) });
  }
  return models;
}
