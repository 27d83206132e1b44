import type { KvCacheType, LoadOptions, LoadSettings } from '../../../../../shared/dto';
import { loadSettingsSchema } from '../../../../../shared/schemas';

/** The load settings of the parameters panel as typed, and the `inference.loadModel` options they mean. */
export interface LoadForm {
  contextSize: string;
  /** A number, `auto` or `max`. */
  gpuLayers: string;
  threads: string;
  parallel: string;
  /** Tokens per prompt batch. */
  batchSize: string;
  flashAttention: boolean;
  kvCacheType: KvCacheType;
  mmap: boolean;
}

/** The typed (text) fields. */
export type LoadField = 'contextSize' | 'gpuLayers' | 'threads' | 'parallel' | 'batchSize';

export const KV_CACHE_CHOICES: readonly { value: KvCacheType; label: string }[] = [
  { value: 'f16', label: 'f16 (default)' },
  { value: 'q8_0', label: 'q8_0 (half the memory)' },
  { value: 'q4_0', label: 'q4_0 (a quarter)' },
];

export function loadFormFrom(settings: LoadSettings): LoadForm {
  return {
    contextSize: String(settings.contextSize),
    gpuLayers: String(settings.gpuLayers),
    threads: String(settings.threads),
    parallel: String(settings.parallel),
    batchSize: String(settings.batchSize),
    flashAttention: settings.flashAttention,
    kvCacheType: settings.kvCacheType,
    mmap: settings.mmap,
  };
}

/** A typed field with the limits `loadSettingsSchema` declares for it (core enforces the same ones). */
function limited(key: Exclude<LoadField, 'gpuLayers'>, label: string): { label: string; min: number; max: number } {
  const schema = loadSettingsSchema.shape[key].unwrap();
  return { label, min: schema.minValue ?? 0, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER };
}

const LIMITS: Record<Exclude<LoadField, 'gpuLayers'>, { label: string; min: number; max: number }> = {
  contextSize: limited('contextSize', 'Context length'),
  threads: limited('threads', 'Threads'),
  parallel: limited('parallel', 'Parallel replies'),
  batchSize: limited('batchSize', 'Batch size'),
};

function wholeNumber(text: string, label: string, min: number, max: number): { value?: number; error?: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { error: `${label} must be a whole number.` };
  const value = Number(trimmed);
  if (value < min || value > max) return { error: `${label} must be between ${min} and ${max}.` };
  return { value };
}

/** What the machine and the model allow, when known. */
export interface LoadLimits {
  /** The model's trained context length, in tokens. */
  trainedContext?: number | undefined;
  /** Logical CPU cores of the machine the engine runs on. */
  cores?: number | undefined;
}

/**
 * Options for a reload, the message per wrong field, and warnings that do not block (more threads
 * than cores: allowed, but generation then crawls — 0 tokens in 8 s was seen with 64 on 2 cores).
 */
export function validateLoadForm(
  form: LoadForm,
  limits: LoadLimits = {},
): { options: Omit<LoadOptions, 'modelId'>; errors: Partial<Record<LoadField | 'kvCacheType', string>>; warnings: Partial<Record<LoadField, string>> } {
  const errors: Partial<Record<LoadField | 'kvCacheType', string>> = {};
  const warnings: Partial<Record<LoadField, string>> = {};
  const options: Omit<LoadOptions, 'modelId'> = { flashAttention: form.flashAttention, kvCacheType: form.kvCacheType, mmap: form.mmap };
  if (form.kvCacheType !== 'f16' && !form.flashAttention) errors.kvCacheType = `A ${form.kvCacheType} KV cache needs flash attention.`;
  for (const key of ['contextSize', 'threads', 'parallel', 'batchSize'] as const) {
    const { label, min, max } = LIMITS[key];
    const parsed = wholeNumber(form[key], label, min, max);
    if (parsed.error) errors[key] = parsed.error;
    else options[key] = parsed.value;
  }
  const { trainedContext, cores } = limits;
  if (trainedContext && options.contextSize !== undefined && options.contextSize > trainedContext) {
    errors.contextSize = `Context length can be at most ${trainedContext}: the model was trained for ${trainedContext} tokens.`;
    delete options.contextSize;
  }
  if (cores && options.threads !== undefined && options.threads > cores) {
    warnings.threads = `${options.threads} threads on ${cores} cores: generation will be much slower. Use ${cores} or fewer.`;
  }
  const layers = form.gpuLayers.trim().toLowerCase();
  if (layers === 'auto' || layers === 'max') options.gpuLayers = layers;
  else {
    const parsed = wholeNumber(layers, 'GPU layers', 0, 1000);
    if (parsed.error) errors.gpuLayers = 'GPU layers must be a whole number (0–1000), auto or max.';
    else options.gpuLayers = parsed.value;
  }
  return { options, errors, warnings };
}

/** True when the form asks for something other than what is loaded (a reload is needed). */
export function differsFrom(form: LoadForm, settings: LoadSettings): boolean {
  const base = loadFormFrom(settings);
  return (
    (['contextSize', 'gpuLayers', 'threads', 'parallel', 'batchSize'] as const).some((key) => form[key].trim() !== base[key]) ||
    form.flashAttention !== base.flashAttention ||
    form.kvCacheType !== base.kvCacheType ||
    form.mmap !== base.mmap
  );
}
