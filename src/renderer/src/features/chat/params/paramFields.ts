import type { SamplingParams } from '../../../../../shared/dto';
import { samplingParamsSchema } from '../../../../../shared/schemas';

/**
 * The sampling fields of the parameters panel. Their limits are read from `samplingParamsSchema`
 * (declared once there, enforced by core), so a wrong value gets its message next to the field
 * before any call.
 */

export type NumericParam = Exclude<keyof SamplingParams, 'stop'>;

export interface ParamField extends FieldLimits {
  key: NumericParam;
  label: string;
  /** Shown as the placeholder: what applies when the field is empty. */
  placeholder: string;
  /** One line for the hover title. */
  help: string;
}

interface FieldLimits {
  min: number;
  max: number;
  integer: boolean;
}

/** A field with the limits the shared schema gives its key. */
function field(spec: Omit<ParamField, keyof FieldLimits>): ParamField {
  const schema = samplingParamsSchema.shape[spec.key].unwrap();
  return { ...spec, min: schema.minValue ?? -Infinity, max: schema.maxValue ?? Infinity, integer: schema.isInt };
}

export const PARAM_FIELDS: readonly ParamField[] = [
  field({ key: 'temperature', label: 'Temperature', placeholder: 'default', help: 'Randomness; 0 always picks the likeliest token.' }),
  field({ key: 'topK', label: 'Top-k', placeholder: 'default', help: 'Sample only from the k likeliest tokens; 0 = off.' }),
  field({ key: 'topP', label: 'Top-p', placeholder: 'default', help: 'Sample from the likeliest tokens that add up to this probability.' }),
  field({ key: 'minP', label: 'Min-p', placeholder: 'default', help: 'Drop tokens less likely than this fraction of the likeliest one.' }),
  field({ key: 'repeatPenalty', label: 'Repeat penalty', placeholder: 'default', help: 'Above 1 discourages repeating recent tokens; 1 = off.' }),
  field({ key: 'repeatLastN', label: 'Penalty window', placeholder: '64', help: 'How many recent tokens the penalties look at, in tokens; 0 = off.' }),
  field({ key: 'presencePenalty', label: 'Presence penalty', placeholder: '0', help: 'Lowers tokens already used at all; 0 = off.' }),
  field({ key: 'frequencyPenalty', label: 'Frequency penalty', placeholder: '0', help: 'Lowers tokens by how often they were used; 0 = off.' }),
  field({ key: 'seed', label: 'Seed', placeholder: 'random', help: 'Same seed and settings give the same reply.' }),
  field({ key: 'maxTokens', label: 'Max tokens', placeholder: '1024', help: 'Longest reply, in tokens.' }),
];

/**
 * Longest reply when the conversation sets none, in tokens: a tiny model can otherwise fill its
 * whole context in one answer. Sent with each reply (core has no default of its own yet).
 */
export const DEFAULT_MAX_TOKENS = 1024;

export const MAX_STOP_STRINGS = 16;
export const MAX_STOP_LENGTH = 200;

/** Checks one typed value: the number, or the message to show next to the field. Empty = not set. */
export function parseParamValue(field: ParamField, text: string): { value?: number; error?: string } {
  const trimmed = text.trim();
  if (!trimmed) return {};
  const value = Number(trimmed.replace(',', '.'));
  if (!Number.isFinite(value)) return { error: `${field.label} must be a number.` };
  if (field.integer && !Number.isInteger(value)) return { error: `${field.label} must be a whole number.` };
  if (value < field.min || value > field.max) return { error: `${field.label} must be between ${field.min} and ${formatLimit(field.max)}.` };
  return { value };
}

function formatLimit(value: number): string {
  return value >= 100_000 ? value.toLocaleString('en-US') : String(value);
}

/** Stop strings, one per line (blank lines ignored). */
export function parseStopStrings(text: string): { value: string[]; error?: string } {
  const value = text.split('\n').filter((line) => line.length > 0 && line.trim().length > 0);
  if (value.length > MAX_STOP_STRINGS) return { value, error: `At most ${MAX_STOP_STRINGS} stop strings.` };
  if (value.some((line) => line.length > MAX_STOP_LENGTH)) return { value, error: `Each stop string is at most ${MAX_STOP_LENGTH} characters.` };
  return { value };
}
