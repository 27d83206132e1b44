import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logging/logger';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { startApiServer } from './apiServer';

// /v1/rerank in front of a real core and engine: a generated reranker (random weights, so its
// scores carry no meaning; the tests check that Hearth sorts, cuts and indexes them right) and
// the plain tiny model, which cannot rank.
let env: Awaited<ReturnType<typeof createTestCore>>;
let server: RunningApiServer;
const RERANKER = 'hearth-test/reranker-GGUF/hearth-tiny-rerank-q8_0.gguf';
const PLAIN = 'hearth-test/tiny-GGUF/hearth-tiny-q4_0.gguf';
const LOAD = { contextSize: 512, force: true };
const QUERY = 'what is the test model';
const DOCUMENTS = ['hello world', 'the cat is on the mat', 'I can test this model', 'yes', 'no no no', 'a', 'this is a test'];

beforeAll(async () => {
  env = await createTestCore();
  const files: Array<[string, string]> = [
    [RERANKER, await fixtureModel({ preset: 'tiny', type: 'Q8_0', reranker: true })],
    [PLAIN, await fixtureModel({ preset: 'tiny', type: 'Q4_0' })],
  ];
  for (const [id, source] of files) {
    await mkdir(dirname(join(env.modelsDir, id)), { recursive: true });
    await copyFile(source, join(env.modelsDir, id));
  }
  server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0, loadDefaults: LOAD });
});
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
});

/** The server's root, without the `/v1` the OpenAI clients use. */
const root = () => server.baseUrl.replace(/\/v1\/?$/, '');

interface Result {
  index: number;
  relevance_score: number;
  document?: { text: string };
}
/** The parts of a rerank answer (or an error body) the tests read. */
interface RerankJson {
  id: string;
  object: string;
  model: string;
  results: Result[];
  usage: { prompt_tokens: number; total_tokens: number };
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function post(path: string, body: unknown): Promise<{ status: number; json: RerankJson }> {
  const response = await fetch(`${root()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as RerankJson };
}

describe('POST /v1/rerank', () => {
  it('answers in the Jina/Cohere shape: every document once, sorted by score, as the engine scores each alone', async () => {
    const { status, json } = await post('/v1/rerank', { model: RERANKER, query: QUERY, documents: DOCUMENTS });
    expect(status).toBe(200);
    expect(json).toMatchObject({ object: 'list', model: RERANKER });
    expect(json.id).toMatch(/^rerank-/);
    const results = json.results;
    expect(results.map((result) => result.index).sort()).toEqual(DOCUMENTS.map((_, i) => i));
    for (const result of results) {
      expect(result.relevance_score).toBeGreaterThan(0);
      expect(result.relevance_score).toBeLessThan(1);
      expect(result.document).toBeUndefined();
    }
    const scores = results.map((result) => result.relevance_score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(scores).size).toBeGreaterThan(1);
    expect(json.usage.prompt_tokens).toBeGreaterThan(DOCUMENTS.length);
    expect(json.usage.total_tokens).toBe(json.usage.prompt_tokens);

    // Each document ranked on its own by Hearth's engine: same scores, so indexes map back right.
    const alone: number[] = [];
    for (const document of DOCUMENTS) {
      const { scores: [score] } = await env.core.inference.rank({ modelId: RERANKER, query: QUERY, documents: [document] });
      alone.push(score!);
    }
    for (const result of results) expect(result.relevance_score).toBe(alone[result.index]);
    const expectedOrder = alone.map((score, index) => ({ score, index })).sort((a, b) => b.score - a.score).map((entry) => entry.index);
    expect(results.map((result) => result.index)).toEqual(expectedOrder);
  });

  it('cuts to top_n, returns documents when asked, takes {text} objects, and scores the same pair the same way every time', async () => {
    const full = await post('/v1/rerank', { model: RERANKER, query: QUERY, documents: DOCUMENTS });
    const cut = await post('/v1/rerank', {
      model: RERANKER,
      query: QUERY,
      documents: DOCUMENTS.map((text) => ({ text })),
      top_n: 3,
      return_documents: true,
    });
    expect(cut.status).toBe(200);
    const top = cut.json.results;
    expect(top).toHaveLength(3);
    expect(top).toEqual(full.json.results.slice(0, 3).map((result) => ({ ...result, document: { text: DOCUMENTS[result.index] } })));
    // A top_n beyond the count returns them all.
    const all = await post('/rerank', { model: RERANKER, query: QUERY, documents: DOCUMENTS, top_n: 100 });
    expect(all.json.results).toEqual(full.json.results);
  });

  it('answers on llama-server\'s other paths, and takes its `texts` alias', async () => {
    for (const path of ['/rerank', '/reranking', '/v1/reranking']) {
      const { status, json } = await post(path, { model: RERANKER, query: QUERY, texts: ['hello world', 'yes'] });
      expect(status).toBe(200);
      expect(json.results.map((result) => result.index).sort()).toEqual([0, 1]);
    }
  });

  it('refuses a model that cannot rank with a 400 naming it', async () => {
    const { status, json } = await post('/v1/rerank', { model: PLAIN, query: QUERY, documents: DOCUMENTS });
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param: 'model', code: 'model_not_supported' });
    expect(json.error.message).toContain(`${PLAIN} is not a reranking model`);
  });

  it.each([
    [{ model: RERANKER, documents: DOCUMENTS }, 'query'],
    [{ model: RERANKER, query: QUERY }, 'documents'],
    [{ model: RERANKER, query: QUERY, documents: [] }, 'documents'],
    [{ model: RERANKER, query: QUERY, documents: ['fine', 7] }, 'documents[1]'],
    [{ model: RERANKER, query: QUERY, documents: ['fine', ''] }, 'documents[1]'],
    [{ model: RERANKER, query: QUERY, documents: DOCUMENTS, top_n: 0 }, 'top_n'],
    [{ model: RERANKER, query: 42, documents: DOCUMENTS }, 'query'],
  ])('refuses a bad body with 400 and the param (%j)', async (body, param) => {
    const { status, json } = await post('/v1/rerank', body);
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param });
  });
});
