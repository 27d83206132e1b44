import type { ResponseFormat } from '../../../../../shared/dto';
import type { Preset, PresetSaveArgs } from '../../../../../shared/presets';
import { draftFromOverrides, validateDraft, type ParamsDraft } from './paramsDraft';

/**
 * Parameter presets as the panel uses them. Core owns the list (`presets.list`: the built-ins,
 * then the user's own, kept in settings.json); here they become fields and fields become one.
 */
export type { Preset };

/** The structured output the JSON-schema field asks for; null when the field is empty. */
export function responseFormatFor(schema: Record<string, unknown> | null): ResponseFormat | null {
  return schema ? { type: 'json_schema', schema } : null;
}

/**
 * The fields after applying a preset: its sampling values replace all of them; its system prompt
 * replaces the current one only when it has one; its schema (or none) replaces the schema.
 */
export function applyPreset(draft: ParamsDraft, preset: Preset, keepSystemPrompt = false): ParamsDraft {
  const next = draftFromOverrides({ params: preset.params, ...(preset.responseFormat ? { responseFormat: preset.responseFormat } : {}) });
  return { ...next, systemPrompt: keepSystemPrompt ? draft.systemPrompt : (preset.systemPrompt ?? draft.systemPrompt) };
}

/**
 * True when applying `preset` would replace a system prompt the user wrote (not empty, not the
 * preset's own, not another preset's): the panel asks first.
 */
export function replacesOwnPrompt(draft: ParamsDraft, preset: Preset, presets: readonly Preset[]): boolean {
  const current = draft.systemPrompt.trim();
  if (!preset.systemPrompt || !current || current === preset.systemPrompt.trim()) return false;
  return !presets.some((other) => other.systemPrompt?.trim() === current);
}

/** What `presets.save` gets for the current fields, or null when a field is invalid. */
export function presetFromDraft(name: string, draft: ParamsDraft): PresetSaveArgs | null {
  const validated = validateDraft(draft);
  if (Object.keys(validated.errors).length > 0) return null;
  const responseFormat = responseFormatFor(validated.jsonSchema);
  return {
    name,
    params: validated.params,
    ...(validated.systemPrompt ? { systemPrompt: validated.systemPrompt } : {}),
    ...(responseFormat ? { responseFormat } : {}),
  };
}
