import { getLlama, resolveChatWrapper, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, Tool } from '../../../shared/dto';
import { MAX_TOOL_CALLS_PER_REPLY } from '../../../shared/toolSchemas';
import { fixtureModel } from '../../testing/fixtureModels';
import { EngineRuntime } from './engineRuntime';
import { renderPrompt } from './prompt';
import type { GenerateRequest, ToolRequest } from './protocol';
import { toolFormatOf } from './toolFormat';

// Real llama.cpp on generated models: the tiny one (ChatML: no tool format of its own, so Hearth's
// generic JSON one) and the tiny one with Qwen3's real chat template (Qwen's `<tool_call>` format).
const WEATHER: Tool = {
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 12 }, days: { type: 'integer', minimum: 1 } }, required: ['city', 'days'] },
};
const TIME: Tool = { name: 'get_time', description: 'Local time in a city', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 12 } }, required: ['city'] } };
const ask: ChatMessage[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
let counter = 0;

function runner() {
  return new EngineRuntime({ gpu: false, maxThreads: 1 });
}

/** The tiny model (400 tokens, mostly one character each; 512 of context) or the SmolLM2-135M-shaped one (8192). */
async function load(runtime: EngineRuntime, preset: 'tiny' | 'smollm2-135m', chatTemplate?: 'qwen3') {
  const modelPath = await fixtureModel({ preset, type: 'Q4_0', ...(chatTemplate ? { chatTemplate } : {}) });
  await runtime.load({ op: 'load', modelPath, contextSize: 2048, threads: 1, parallel: 1, gpuLayers: 0, flashAttention: true }, () => {});
}

function generate(runtime: EngineRuntime, tools: ToolRequest | undefined, params: GenerateRequest['params'], messages: ChatMessage[] = ask) {
  const deltas: Array<{ index: number; id: string; name: string; delta: string }> = [];
  const texts: string[] = [];
  const result = runtime.generate(
    { op: 'generate', requestId: `t${++counter}`, messages, params, ...(tools ? { tools } : {}) },
    { onText: (text) => texts.push(text), onPromptProgress: () => {}, onToolCall: (index, id, name, delta) => deltas.push({ index, id, name, delta }) },
  );
  return result.then((value) => ({ ...value, deltas, texts }));
}

describe('a forced call on the tiny one-character-per-token model', () => {
  const runtime = runner();
  beforeAll(() => load(runtime, 'tiny'), 120_000);
  afterAll(() => runtime.dispose());

  it('a named tool choice prefills the name: the compact arguments fit in 64 tokens', async () => {
    const result = await generate(runtime, { tools: [WEATHER], choice: { name: 'get_weather' }, parallel: true }, { temperature: 0, maxTokens: 64 });
    expect(result.stats.stopReason).toBe('toolCalls');
    expect(result.toolCalls).toHaveLength(1);
    const call = result.toolCalls![0]!;
    expect(call.name).toBe('get_weather');
    expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
    const args = JSON.parse(call.arguments) as { city: string; days: number };
    expect(Object.keys(args)).toEqual(['city', 'days']);
    expect(typeof args.city).toBe('string');
    // An integer by the grammar, though a random model may write one too large for a double (`2333E+33…`).
    expect(call.arguments).toMatch(/"days":-?\d+([eE][-+]?\d+)?\}$/);
    // Compact: no whitespace outside strings.
    expect(call.arguments.replace(/"(?:[^"\\]|\\.)*"/g, '')).not.toMatch(/\s/);
    expect(result.stats.completionTokens).toBeLessThanOrEqual(64);
    // Streamed: the opening (id and name, no text), then the arguments piece by piece.
    expect(result.deltas[0]).toEqual({ index: 0, id: call.id, name: 'get_weather', delta: '' });
    expect(result.deltas.length).toBeGreaterThan(3);
    expect(result.deltas.map((d) => d.delta).join('')).toBe(call.arguments);
    expect(result.toolFormat).toMatchObject({ native: false });
    expect(result.text).toBe('');
  });
});

describe('tool calls in the generic format (a model without its own)', () => {
  const runtime = runner();
  beforeAll(() => load(runtime, 'smollm2-135m'), 120_000);
  afterAll(() => runtime.dispose());

  it('required with parallel calls: several calls in one reply, each with its own id, up to the cap', async () => {
    const result = await generate(runtime, { tools: [WEATHER, TIME], choice: 'required', parallel: true }, { temperature: 0, maxTokens: 400 });
    expect(result.stats.stopReason).toBe('toolCalls');
    const count = result.toolCalls!.length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(MAX_TOOL_CALLS_PER_REPLY);
    expect(new Set(result.toolCalls!.map((c) => c.id)).size).toBe(count);
    for (const call of result.toolCalls!) {
      expect(['get_weather', 'get_time']).toContain(call.name);
      expect(() => JSON.parse(call.arguments) as unknown).not.toThrow();
    }
    const indexes = [...new Set(result.deltas.map((d) => d.index))];
    expect(indexes).toEqual([...Array(count).keys()]);
  });

  it('without parallel calls a required call is the only one, and a reply cut inside a call returns no call', async () => {
    const one = await generate(runtime, { tools: [WEATHER, TIME], choice: 'required', parallel: false }, { temperature: 0, maxTokens: 200 });
    expect(one.toolCalls).toHaveLength(1);
    const cut = await generate(runtime, { tools: [WEATHER], choice: 'required', parallel: false }, { temperature: 0, maxTokens: 3 });
    expect(cut.stats.stopReason).toBe('length');
    expect(cut.toolCalls ?? []).toEqual([]);
  });

  it('renders earlier calls and their results, and refuses a result for a call nobody made', async () => {
    const history: ChatMessage[] = [
      ...ask,
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris","days":1}' }] },
      { role: 'tool', toolCallId: 'call_1', content: '{"sky":"clear","celsius":21}' },
    ];
    const answered = await generate(runtime, { tools: [WEATHER], choice: 'auto', parallel: true }, { temperature: 0, maxTokens: 8 }, history);
    expect(answered.stats.promptTokens).toBeGreaterThan(0);
    await expect(generate(runtime, undefined, { maxTokens: 4 }, [...ask, { role: 'tool', toolCallId: 'nope', content: 'x' }])).rejects.toThrow(/no earlier assistant message made/);
  });
});

describe("tool calls in the model's own format (Qwen3's chat template)", () => {
  const runtime = runner();
  let model: LlamaModel;
  beforeAll(async () => {
    await load(runtime, 'smollm2-135m', 'qwen3');
    const llama = await getLlama({ gpu: false });
    model = await llama.loadModel({ modelPath: await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0', chatTemplate: 'qwen3' }) });
  }, 120_000);
  afterAll(async () => {
    await model?.dispose();
    await runtime.dispose();
  });

  it('the prompt carries the template\'s tool section, and a result goes back in its <tool_response>', () => {
    const wrapper = resolveChatWrapper(model);
    // node-llama-cpp reads Qwen's tool syntax out of the template itself (its Jinja wrapper).
    const format = toolFormatOf(wrapper);
    expect(format.native).toBe(true);
    expect(format.callPrefix.toString()).toContain('<tool_call>');
    const messages: ChatMessage[] = [
      ...ask,
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Paris","days":1}' }] },
      { role: 'tool', toolCallId: 'c1', content: '{"sky":"clear"}' },
    ];
    const rendered = renderPrompt({ op: 'generate', requestId: 'p', params: {}, messages, tools: { tools: [WEATHER], choice: 'auto', parallel: true } }, model, wrapper);
    const text = model.detokenize(rendered.tokens, true);
    expect(text).toContain('# Tools');
    expect(text).toContain('<tools>');
    expect(text).toContain('{"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city"');
    // The template writes arguments and results with its own `tojson` spacing.
    expect(text).toContain('<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "days": 1}}\n</tool_call><|im_end|>');
    expect(text).toContain('<|im_start|>user\n<tool_response>\n{"sky": "clear"}\n</tool_response><|im_end|>');
  });

  it('a forced call is written in Qwen\'s format and parses into a tool call', async () => {
    const result = await generate(runtime, { tools: [WEATHER, TIME], choice: { name: 'get_time' }, parallel: true }, { temperature: 0, maxTokens: 64 });
    expect(result.toolFormat).toMatchObject({ native: true });
    expect(result.stats.stopReason).toBe('toolCalls');
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls![0]!.name).toBe('get_time');
    expect(Object.keys(JSON.parse(result.toolCalls![0]!.arguments) as object)).toEqual(['city']);
  });

  it('required with several tools: the name is chosen under a grammar and the reply ends cleanly', async () => {
    const result = await generate(runtime, { tools: [WEATHER, TIME], choice: 'required', parallel: true }, { temperature: 0, maxTokens: 400 });
    // Whether this random model writes a second call is its choice (an end token or the next
    // opening, both allowed); the generic test above sees it choose more calls.
    expect(result.stats.stopReason).toBe('toolCalls');
    expect(result.toolCalls!.length).toBeGreaterThanOrEqual(1);
    for (const call of result.toolCalls!) {
      expect(['get_weather', 'get_time']).toContain(call.name);
      expect(() => JSON.parse(call.arguments) as unknown).not.toThrow();
    }
  });
});
