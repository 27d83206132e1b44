import type { GenerationSampling } from '../../../shared/generation';

export type Dialect = 'openai' | 'ollama';

/**
 * Each sampling setting's name in OpenAI's request body (with llama.cpp server's extensions:
 * `top_k`, `min_p`, `repeat_penalty`, `repeat_last_n`) and in Ollama's `options`. The only list an
 * API-side sampling setting is added to: values are copied as sent and validated once, by the
 * generation pipeline against the shared schema, whose errors are named back through this table.
 */
export const SAMPLING_WIRE_NAMES: { [K in keyof Required<GenerationSampling>]: Record<Dialect, string> } = {
  temperature: { openai: 'temperature', ollama: 'temperature' },
  topK: { openai: 'top_k', ollama: 'top_k' },
  topP: { openai: 'top_p', ollama: 'top_p' },
  minP: { openai: 'min_p', ollama: 'min_p' },
  repeatPenalty: { openai: 'repeat_penalty', ollama: 'repeat_penalty' },
  presencePenalty: { openai: 'presence_penalty', ollama: 'presence_penalty' },
  frequencyPenalty: { openai: 'frequency_penalty', ollama: 'frequency_penalty' },
  repeatLastN: { openai: 'repeat_last_n', ollama: 'repeat_last_n' },
  seed: { openai: 'seed', ollama: 'seed' },
  maxTokens: { openai: 'max_tokens', ollama: 'num_predict' },
  stop: { openai: 'stop', ollama: 'stop' },
};

/** Where a dialect's sampling fields sit in its request: OpenAI's at the top, Ollama's under `options`. */
const PREFIX: Record<Dialect, string> = { openai: '', ollama: 'options.' };

/**
 * The sampling settings a request sent (null and absent fields left out), unvalidated: the
 * pipeline checks them. `stop` may be one string or several; empty stop strings are dropped.
 */
export function readSampling(fields: Record<string, unknown>, dialect: Dialect): GenerationSampling {
  const sampling: Record<string, unknown> = {};
  for (const [key, names] of Object.entries(SAMPLING_WIRE_NAMES)) {
    const value = fields[names[dialect]];
    if (value !== null && value !== undefined) sampling[key] = value;
  }
  if (typeof sampling.stop === 'string') sampling.stop = [sampling.stop];
  if (Array.isArray(sampling.stop)) {
    sampling.stop = sampling.stop.filter((s) => s !== '');
    if ((sampling.stop as unknown[]).length === 0) delete sampling.stop;
  }
  return sampling as GenerationSampling;
}

/** Other request fields the pipeline names differently. */
const OTHER_NAMES: Record<Dialect, Record<string, string>> = {
  openai: { responseFormat: 'response_format' },
  ollama: { responseFormat: 'format' },
};

/** A pipeline field path (`sampling.topP`, `sampling.stop[1]`, `messages[0].content`) in the dialect's names. */
export function wireName(path: string, dialect: Dialect): string {
  const sampling = /^sampling\.([A-Za-z]+)(.*)$/.exec(path);
  if (sampling) {
    const names = SAMPLING_WIRE_NAMES[sampling[1] as keyof GenerationSampling];
    if (names) return `${PREFIX[dialect]}${names[dialect]}${sampling[2]}`;
  }
  const head = /^([A-Za-z]+)(.*)$/.exec(path);
  const renamed = head ? OTHER_NAMES[dialect][head[1]!] : undefined;
  return renamed ? `${renamed}${head![2]}` : path;
}
