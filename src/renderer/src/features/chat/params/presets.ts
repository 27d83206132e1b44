import type { SamplingParams } from '../../../../../shared/dto';
import { draftFromOverrides, validateDraft, type ParamsDraft } from './paramsDraft';

/**
 * Parameter presets: four built in, the user's own saved in this browser's localStorage (there is
 * no settings API for the renderer yet; moving them to core's settings store is a follow-up).
 */
export interface Preset {
  name: string;
  builtIn?: boolean;
  systemPrompt?: string;
  params: SamplingParams;
  /** Structured output: replies must be JSON of this schema. */
  jsonSchema?: Record<string, unknown>;
}

/** The built-in structured-output example: nutrition facts of a food, all numbers. */
export const NUTRITION_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    protein: { type: 'number', description: 'grams' },
    carbohydrates: { type: 'number', description: 'grams' },
    fats: { type: 'number', description: 'grams' },
    calories: { type: 'number', description: 'kcal' },
    sugar: { type: 'number', description: 'grams' },
    fiber: { type: 'number', description: 'grams' },
  },
  required: ['protein', 'carbohydrates', 'fats', 'calories', 'sugar', 'fiber'],
  additionalProperties: false,
};

export const BUILT_IN_PRESETS: readonly Preset[] = [
  { name: 'Balanced', builtIn: true, params: { temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05, repeatPenalty: 1.1 } },
  { name: 'Precise', builtIn: true, params: { temperature: 0.2, topK: 20, topP: 0.8, minP: 0.1, repeatPenalty: 1.05 } },
  { name: 'Creative', builtIn: true, params: { temperature: 1.1, topK: 100, topP: 0.95, minP: 0.02, repeatPenalty: 1.15 } },
  {
    name: 'JSON extraction',
    builtIn: true,
    systemPrompt: 'Extract the nutrition facts per 100 g of the food the user names. Reply with JSON only.',
    params: { temperature: 0, topK: 1, topP: 1, minP: 0 },
    jsonSchema: NUTRITION_SCHEMA,
  },
];

/**
 * The fields after applying a preset: its sampling values replace all of them; its system prompt
 * replaces the current one only when it has one; its schema (or none) replaces the schema.
 */
export function applyPreset(draft: ParamsDraft, preset: Preset): ParamsDraft {
  const next = draftFromOverrides({ params: preset.params }, preset.jsonSchema ? JSON.stringify(preset.jsonSchema, null, 2) : '');
  return { ...next, systemPrompt: preset.systemPrompt ?? draft.systemPrompt };
}

/** A preset from the current fields, or null when a field is invalid. */
export function presetFromDraft(name: string, draft: ParamsDraft): Preset | null {
  const validated = validateDraft(draft);
  if (Object.keys(validated.errors).length > 0) return null;
  return {
    name,
    params: validated.params,
    ...(validated.systemPrompt ? { systemPrompt: validated.systemPrompt } : {}),
    ...(validated.jsonSchema ? { jsonSchema: validated.jsonSchema } : {}),
  };
}

const STORAGE_KEY = 'hearth.presets.v1';

/** The subset of `Storage` used here (tests pass a Map-backed one). */
export type PresetStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function loadUserPresets(storage: PresetStorage): Preset[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isPreset).map(({ name, systemPrompt, params, jsonSchema }) => ({ name, systemPrompt, params, jsonSchema }));
  } catch {
    return [];
  }
}

/** Adds or replaces (same name) a user preset; built-in names are refused. Returns the new list. */
export function saveUserPreset(storage: PresetStorage, preset: Preset): Preset[] {
  const name = preset.name.trim();
  if (!name || BUILT_IN_PRESETS.some((p) => p.name.toLowerCase() === name.toLowerCase())) return loadUserPresets(storage);
  const list = loadUserPresets(storage).filter((p) => p.name !== name);
  list.push({ ...preset, name, builtIn: undefined });
  storage.setItem(STORAGE_KEY, JSON.stringify(list));
  return list;
}

export function deleteUserPreset(storage: PresetStorage, name: string): Preset[] {
  const list = loadUserPresets(storage).filter((p) => p.name !== name);
  storage.setItem(STORAGE_KEY, JSON.stringify(list));
  return list;
}

function isPreset(value: unknown): value is Preset {
  if (typeof value !== 'object' || value === null) return false;
  const preset = value as Partial<Preset>;
  return typeof preset.name === 'string' && preset.name.length > 0 && typeof preset.params === 'object' && preset.params !== null;
}

