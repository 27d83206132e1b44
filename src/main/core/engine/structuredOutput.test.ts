import { getLlama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ResponseFormat } from '../../../shared/dto';
import { fixtureModel } from '../../testing/fixtureModels';
import { EngineRuntime } from './engineRuntime';
import type { GenerateRequest } from './protocol';
import { GrammarCache, MAX_CACHED_GRAMMARS } from './structuredOutput';

// Grammar-constrained replies on real llama.cpp (tiny generated model, random weights): whatever
// the model "wants", the output must parse and match the schema. Schemas are bounded (maxLength,
// enums, booleans, short arrays): a random model never closes an unbounded string.
const runtime = new EngineRuntime({ gpu: false, maxThreads: 1 });
const hello: ChatMessage[] = [{ role: 'user', content: 'describe a person as JSON' }];
let counter = 0;

const personSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 12 },
    role: { enum: ['admin', 'user', 'guest'] },
    active: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string', maxLength: 4 }, maxItems: 3 },
    nick: { anyOf: [{ type: 'string', maxLength: 6 }, { type: 'null' }] },
  },
  required: ['name', 'role', 'active', 'tags', 'nick'],
  additionalProperties: false,
};

function generate(params: GenerateRequest['params'], responseFormat?: ResponseFormat, onText: (text: string) => void = () => {}) {
  return runtime.generate(
    { op: 'generate', requestId: `j${++counter}`, messages: hello, params, ...(responseFormat ? { responseFormat } : {}) },
    { onText, onPromptProgress: () => {} },
  );
}

beforeAll(async () => {
  const modelPath = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
  await runtime.load({ op: 'load', modelPath, contextSize: 512, threads: 1, parallel: 2, gpuLayers: 0, flashAttention: true }, () => {});
});
afterAll(() => runtime.dispose());

describe('structured output', () => {
  it('json_object: any JSON object, complete, streamed without the grammar padding', async () => {
    const pieces: string[] = [];
    const result = await generate({ temperature: 0.8, seed: 11, maxTokens: 300 }, { type: 'json_object' }, (t) => pieces.push(t));
    const value: unknown = JSON.parse(result.text);
    expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
    expect(result.text).toBe(result.text.trim());
    expect(pieces.join('')).toBe(result.text);
    expect(result.stats.stopReason).toBe('eos');
    expect(result.json).toEqual({ valid: true });
  });

  it('json_schema: several sampled replies, two at once in lockstep, all parse and conform', async () => {
    const format: ResponseFormat = { type: 'json_schema', schema: personSchema };
    // Two at a time: the runtime has two sequences (the service's queue is not in front of it here).
    const results = [];
    for (const seeds of [[3, 4], [5, 6]]) results.push(...(await Promise.all(seeds.map((seed) => generate({ temperature: 1, seed, maxTokens: 200 }, format)))));
    expect(new Set(results.map((r) => r.text)).size).toBeGreaterThan(1);
    for (const result of results) {
      expect(result.json).toEqual({ valid: true });
      expect(result.stats.stopReason).toBe('eos');
      const person = JSON.parse(result.text) as Record<string, unknown>;
      expect(Object.keys(person).sort()).toEqual(['active', 'name', 'nick', 'role', 'tags']);
      expect(typeof person.name).toBe('string');
      expect((person.name as string).length).toBeLessThanOrEqual(12);
      expect(['admin', 'user', 'guest']).toContain(person.role);
      expect(typeof person.active).toBe('boolean');
      expect(Array.isArray(person.tags) && (person.tags as unknown[]).length <= 3).toBe(true);
      for (const tag of person.tags as unknown[]) expect(typeof tag === 'string' && tag.length <= 4).toBe(true);
      expect(person.nick === null || (typeof person.nick === 'string' && person.nick.length <= 6)).toBe(true);
    }
  });

  it('a reply cut by its token limit mid-object says it is not valid JSON', async () => {
    const result = await generate({ temperature: 0.8, seed: 1, maxTokens: 6 }, { type: 'json_schema', schema: personSchema });
    expect(result.stats).toMatchObject({ stopReason: 'length', completionTokens: 6 });
    expect(() => JSON.parse(result.text)).toThrow();
    expect(result.json).toMatchObject({ valid: false, error: expect.stringMatching(/token limit before the JSON was complete/) });
  });

  it('refuses an unsupported schema with BAD_REQUEST and keeps generating', async () => {
    await expect(generate({ maxTokens: 4 }, { type: 'json_schema', schema: { type: 'string', pattern: '^a$' } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('"pattern"'),
    });
    await expect(generate({ temperature: 0, maxTokens: 4 })).resolves.toMatchObject({ stats: { completionTokens: 4 } });
    expect(runtime.status().activeGenerations).toBe(0);
  });
});

describe('GrammarCache', () => {
  it('makes a grammar once per distinct schema, keeps at most MAX_CACHED_GRAMMARS, never caches a refusal', async () => {
    const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, maxThreads: 1 });
    const cache = new GrammarCache(llama);
    const format = (n: number): ResponseFormat => ({ type: 'json_schema', schema: { type: 'object', properties: { [`k${n}`]: { type: 'boolean' } } } });
    const first = cache.get(format(0));
    expect(cache.get(format(0))).toBe(first);
    expect(cache.get({ type: 'text' })).toBeUndefined();
    for (let n = 1; n <= MAX_CACHED_GRAMMARS; n++) await cache.get(format(n));
    expect(cache.size).toBe(MAX_CACHED_GRAMMARS);
    expect(cache.get(format(0))).not.toBe(first);
    expect(() => cache.get({ type: 'json_schema', schema: { type: 'nope' } })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(cache.size).toBe(MAX_CACHED_GRAMMARS);
  });
});
