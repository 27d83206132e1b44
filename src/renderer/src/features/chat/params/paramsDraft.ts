import type { ChatOverrides } from '../../../../../shared/chatDto';
import type { SamplingParams } from '../../../../../shared/dto';
import { parseJsonSchema } from '../structuredOutput';
import { PARAM_FIELDS, parseParamValue, parseStopStrings, type NumericParam } from './paramFields';

/**
 * The parameters panel's fields as typed (strings, so a half-typed or wrong value stays visible
 * with its message), and their conversion to what core stores.
 */
export interface ParamsDraft {
  systemPrompt: string;
  values: Partial<Record<NumericParam, string>>;
  /** One stop string per line. */
  stop: string;
  /** JSON text of a JSON schema, or empty. */
  jsonSchema: string;
}

export type DraftField = NumericParam | 'stop' | 'jsonSchema';

export interface ValidatedDraft {
  /** Message per field that is wrong; empty when the draft can be saved. */
  errors: Partial<Record<DraftField, string>>;
  systemPrompt: string;
  params: SamplingParams;
  jsonSchema: Record<string, unknown> | null;
}

export const EMPTY_DRAFT: ParamsDraft = { systemPrompt: '', values: {}, stop: '', jsonSchema: '' };

/** The fields for what a conversation stores (a `json_schema` response format fills the schema field). */
export function draftFromOverrides(overrides: ChatOverrides | undefined): ParamsDraft {
  const format = overrides?.responseFormat;
  const jsonSchema = format?.type === 'json_schema' ? JSON.stringify(format.schema, null, 2) : '';
  const params = overrides?.params ?? {};
  const values: Partial<Record<NumericParam, string>> = {};
  for (const field of PARAM_FIELDS) {
    const value = params[field.key];
    if (value !== undefined) values[field.key] = String(value);
  }
  return { systemPrompt: overrides?.systemPrompt ?? '', values, stop: (params.stop ?? []).join('\n'), jsonSchema };
}

export function validateDraft(draft: ParamsDraft): ValidatedDraft {
  const errors: ValidatedDraft['errors'] = {};
  const params: SamplingParams = {};
  for (const field of PARAM_FIELDS) {
    const parsed = parseParamValue(field, draft.values[field.key] ?? '');
    if (parsed.error) errors[field.key] = parsed.error;
    else if (parsed.value !== undefined) params[field.key] = parsed.value;
  }
  const stop = parseStopStrings(draft.stop);
  if (stop.error) errors.stop = stop.error;
  else if (stop.value.length > 0) params.stop = stop.value;
  const schema = parseJsonSchema(draft.jsonSchema);
  if (schema.error) errors.jsonSchema = schema.error;
  return { errors, systemPrompt: draft.systemPrompt, params, jsonSchema: schema.schema };
}

export function hasErrors(validated: ValidatedDraft): boolean {
  return Object.keys(validated.errors).length > 0;
}

const DRAFT_LABELS: Record<'stop' | 'jsonSchema', string> = { stop: 'Stop strings', jsonSchema: 'JSON schema' };

/** Why a reply cannot be sent with these fields (the first wrong one, named), or null when they are fine. */
export function blockingError(validated: ValidatedDraft): string | null {
  for (const [key, message] of Object.entries(validated.errors) as [DraftField, string][]) {
    const label = PARAM_FIELDS.find((field) => field.key === key)?.label ?? DRAFT_LABELS[key as 'stop' | 'jsonSchema'];
    // The field's own message, without repeating its label; shown beside Send since the panel may be closed.
    const reason = message.replace(/\.$/, '');
    return `Fix Parameters to send — ${reason.startsWith(label) ? reason : `${label}: ${reason}`}`;
  }
  return null;
}
