import type { LoadOptions, LoadSettings } from '../../../../../shared/dto';

/** The load settings of the parameters panel as typed, and the `inference.loadModel` options they mean. */
export interface LoadForm {
  contextSize: string;
  /** A number, `auto` or `max`. */
  gpuLayers: string;
  threads: string;
  parallel: string;
  flashAttention: boolean;
}

export type LoadField = Exclude<keyof LoadForm, 'flashAttention'>;

export function loadFormFrom(settings: LoadSettings): LoadForm {
  return {
    contextSize: String(settings.contextSize),
    gpuLayers: String(settings.gpuLayers),
    threads: String(settings.threads),
    parallel: String(settings.parallel),
    flashAttention: true,
  };
}

const LIMITS: Record<Exclude<LoadField, 'gpuLayers'>, { label: string; min: number; max: number }> = {
  contextSize: { label: 'Context length', min: 64, max: 1_048_576 },
  threads: { label: 'Threads', min: 1, max: 256 },
  parallel: { label: 'Parallel replies', min: 1, max: 16 },
};

function wholeNumber(text: string, label: string, min: number, max: number): { value?: number; error?: string } {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return { error: `${label} must be a whole number.` };
  const value = Number(trimmed);
  if (value < min || value > max) return { error: `${label} must be between ${min} and ${max}.` };
  return { value };
}

/** Options for a reload, or the message per wrong field. */
export function validateLoadForm(form: LoadForm): { options: Omit<LoadOptions, 'modelId'>; errors: Partial<Record<LoadField, string>> } {
  const errors: Partial<Record<LoadField, string>> = {};
  const options: Omit<LoadOptions, 'modelId'> = { flashAttention: form.flashAttention };
  for (const key of ['contextSize', 'threads', 'parallel'] as const) {
    const { label, min, max } = LIMITS[key];
    const parsed = wholeNumber(form[key], label, min, max);
    if (parsed.error) errors[key] = parsed.error;
    else options[key] = parsed.value;
  }
  const layers = form.gpuLayers.trim().toLowerCase();
  if (layers === 'auto' || layers === 'max') options.gpuLayers = layers;
  else {
    const parsed = wholeNumber(layers, 'GPU layers', 0, 1000);
    if (parsed.error) errors.gpuLayers = 'GPU layers must be a whole number (0–1000), auto or max.';
    else options.gpuLayers = parsed.value;
  }
  return { options, errors };
}

/** True when the form asks for something other than what is loaded (a reload is needed). */
export function differsFrom(form: LoadForm, settings: LoadSettings): boolean {
  const base = loadFormFrom(settings);
  return (['contextSize', 'gpuLayers', 'threads', 'parallel'] as const).some((key) => form[key].trim() !== base[key]) || form.flashAttention !== base.flashAttention;
}
