import type { SamplingParams } from '../../../../../shared/dto';

/**
 * The sampling fields of the parameters panel, with the limits `samplingParamsSchema` enforces in
 * core (checked here too, so a wrong value gets its message next to the field before any call).
 */

export type NumericParam = Exclude<keyof SamplingParams, 'stop'>;

export interface ParamField {
  key: NumericParam;
  label: string;
  min: number;
  max: number;
  integer: boolean;
  /** Shown as the placeholder: what applies when the field is empty. */
  placeholder: string;
  /** One line for the hover title. */
  help: string;
}

export const PARAM_FIELDS: readonly ParamField[] = [
  { key: 'temperature', label: 'Temperature', min: 0, max: 5, integer: false, placeholder: 'default', help: 'Randomness; 0 always picks the likeliest token.' },
  { key: 'topK', label: 'Top-k', min: 0, max: 100_000, integer: true, placeholder: 'default', help: 'Sample only from the k likeliest tokens; 0 = off.' },
  { key: 'topP', label: 'Top-p', min: 0, max: 1, integer: false, placeholder: 'default', help: 'Sample from the likeliest tokens that add up to this probability.' },
  { key: 'minP', label: 'Min-p', min: 0, max: 1, integer: false, placeholder: 'default', help: 'Drop tokens less likely than this fraction of the likeliest one.' },
  { key: 'repeatPenalty', label: 'Repeat penalty', min: 0.5, max: 3, integer: false, placeholder: 'default', help: 'Above 1 discourages repeating recent tokens; 1 = off.' },
  { key: 'repeatLastN', label: 'Penalty window', min: 0, max: 4096, integer: true, placeholder: '64', help: 'How many recent tokens the penalties look at, in tokens; 0 = off.' },
  { key: 'presencePenalty', label: 'Presence penalty', min: -2, max: 2, integer: false, placeholder: '0', help: 'Lowers tokens already used at all; 0 = off.' },
  { key: 'frequencyPenalty', label: 'Frequency penalty', min: -2, max: 2, integer: false, placeholder: '0', help: 'Lowers tokens by how often they were used; 0 = off.' },
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 32 - 1, integer: true, placeholder: 'random', help: 'Same seed and settings give the same reply.' },
  { key: 'maxTokens', label: 'Max tokens', min: 1, max: 1_000_000, integer: true, placeholder: '1024', help: 'Longest reply, in tokens.' },
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
