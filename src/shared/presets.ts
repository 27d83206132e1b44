import { z } from 'zod';
import { responseFormatSchema, samplingParamsSchema, type ResponseFormat, type SamplingParams } from './schemas';

/**
 * Parameter presets (`presets.*`): four built in, the user's own stored by core in
 * `settings.json` (section `presets`), so every window and browser tab sees the same ones.
 */
export interface Preset {
  /** Unique, case-insensitively, among built-ins and saved presets. */
  name: string;
  /** Built-ins come with Hearth and cannot be replaced or deleted. */
  builtIn: boolean;
  systemPrompt?: string;
  params: SamplingParams;
  /** Structured output of replies (`json_schema` / `json_object`); absent = free text. */
  responseFormat?: ResponseFormat;
}

/** Longest preset name, in characters. */
export const MAX_PRESET_NAME = 60;
/** Most presets a user can save. */
export const MAX_SAVED_PRESETS = 100;

export const presetNameSchema = z.string().trim().min(1).max(MAX_PRESET_NAME);

export const presetSaveArgsSchema = z
  .object({
    name: presetNameSchema,
    systemPrompt: z.string().max(100_000).optional(),
    params: samplingParamsSchema,
    responseFormat: responseFormatSchema.optional(),
  })
  .strict();

export const presetDeleteArgsSchema = z.object({ name: presetNameSchema }).strict();

export type PresetSaveArgs = z.infer<typeof presetSaveArgsSchema>;

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
    // Room for the six numbers with some whitespace; the grammar guarantees the shape.
    params: { temperature: 0, topK: 1, topP: 1, minP: 0, maxTokens: 512 },
    responseFormat: { type: 'json_schema', schema: NUTRITION_SCHEMA },
  },
];

/** True when `name` is a built-in preset's (case-insensitive). */
export function isBuiltInPresetName(name: string): boolean {
  const key = name.trim().toLowerCase();
  return BUILT_IN_PRESETS.some((p) => p.name.toLowerCase() === key);
}
