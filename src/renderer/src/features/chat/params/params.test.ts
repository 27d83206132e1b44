import { describe, expect, it } from 'vitest';
import { differsFrom, loadFormFrom, validateLoadForm } from './loadSettingsForm';
import { PARAM_FIELDS, parseParamValue, parseStopStrings } from './paramFields';
import { blockingError, EMPTY_DRAFT, draftFromOverrides, hasErrors, validateDraft } from './paramsDraft';
import { BUILT_IN_PRESETS, NUTRITION_SCHEMA } from '../../../../../shared/presets';
import { applyPreset, presetFromDraft, replacesOwnPrompt } from './presets';

const field = (key: string) => PARAM_FIELDS.find((f) => f.key === key)!;

describe('parameter validation', () => {
  it('accepts numbers in range, empty as "not set", and says what is wrong otherwise', () => {
    expect(parseParamValue(field('temperature'), '0.7')).toEqual({ value: 0.7 });
    expect(parseParamValue(field('temperature'), '0,7')).toEqual({ value: 0.7 });
    expect(parseParamValue(field('temperature'), '  ')).toEqual({});
    expect(parseParamValue(field('temperature'), 'warm')).toEqual({ error: 'Temperature must be a number.' });
    expect(parseParamValue(field('temperature'), '7')).toEqual({ error: 'Temperature must be between 0 and 2.' });
    expect(parseParamValue(field('topK'), '4.5')).toEqual({ error: 'Top-k must be a whole number.' });
    expect(parseParamValue(field('seed'), '-1')).toEqual({ error: 'Seed must be between 0 and 4,294,967,295.' });
    expect(parseParamValue(field('presencePenalty'), '-2')).toEqual({ value: -2 });
  });

  it('reads stop strings one per line', () => {
    expect(parseStopStrings('###\n\nUser:')).toEqual({ value: ['###', 'User:'] });
    expect(parseStopStrings(Array.from({ length: 17 }, (_, i) => `s${i}`).join('\n')).error).toBe('At most 16 stop strings.');
    expect(parseStopStrings('x'.repeat(201)).error).toMatch(/at most 200 characters/);
  });

  it('turns the fields into what core stores, and back', () => {
    const draft = { ...EMPTY_DRAFT, systemPrompt: 'Be brief.', values: { temperature: '0.2', maxTokens: '256' }, stop: 'END' };
    const validated = validateDraft(draft);
    expect(hasErrors(validated)).toBe(false);
    expect(validated.params).toEqual({ temperature: 0.2, maxTokens: 256, stop: ['END'] });
    expect(draftFromOverrides({ systemPrompt: 'Be brief.', params: validated.params })).toEqual(draft);
    // The chat's JSON-schema response format fills the schema field; other formats leave it empty.
    const withSchema = draftFromOverrides({ responseFormat: { type: 'json_schema', schema: { type: 'object' } } });
    expect(JSON.parse(withSchema.jsonSchema)).toEqual({ type: 'object' });
    expect(draftFromOverrides({ responseFormat: { type: 'json_object' } }).jsonSchema).toBe('');
  });

  it('collects every error by field', () => {
    const validated = validateDraft({ ...EMPTY_DRAFT, values: { topP: '2', maxTokens: '0' }, jsonSchema: '{' });
    expect(Object.keys(validated.errors).sort()).toEqual(['jsonSchema', 'maxTokens', 'topP']);
    expect(validated.params).toEqual({});
  });
});

describe('presets', () => {
  it('has the four built-ins; JSON extraction carries the nutrition schema', () => {
    expect(BUILT_IN_PRESETS.map((p) => p.name)).toEqual(['Balanced', 'Precise', 'Creative', 'JSON extraction']);
    const json = BUILT_IN_PRESETS[3]!;
    expect(json.responseFormat).toEqual({ type: 'json_schema', schema: NUTRITION_SCHEMA });
    expect(Object.keys((NUTRITION_SCHEMA.properties as object) ?? {})).toEqual(['protein', 'carbohydrates', 'fats', 'calories', 'sugar', 'fiber']);
  });

  it('applying one replaces the sampling fields and the schema, and the system prompt only when it has one', () => {
    const before = { ...EMPTY_DRAFT, systemPrompt: 'Mine', values: { seed: '7', temperature: '1.5' }, jsonSchema: '{"type":"object"}' };
    const precise = applyPreset(before, BUILT_IN_PRESETS[1]!);
    expect(precise.values).toMatchObject({ temperature: '0.2', topK: '20' });
    expect(precise.values.seed).toBeUndefined();
    expect(precise.systemPrompt).toBe('Mine');
    expect(precise.jsonSchema).toBe('');
    const json = applyPreset(before, BUILT_IN_PRESETS[3]!);
    expect(json.systemPrompt).toMatch(/nutrition/);
    expect(JSON.parse(json.jsonSchema)).toEqual(NUTRITION_SCHEMA);
  });

  it('turns the fields into what presets.save takes; invalid fields give none', () => {
    const draft = { ...EMPTY_DRAFT, values: { temperature: '0.9' }, systemPrompt: 'Short answers', jsonSchema: '{"type":"object"}' };
    expect(presetFromDraft('Mine', draft)).toEqual({
      name: 'Mine',
      params: { temperature: 0.9 },
      systemPrompt: 'Short answers',
      responseFormat: { type: 'json_schema', schema: { type: 'object' } },
    });
    expect(presetFromDraft('Mine', { ...draft, jsonSchema: '' })).not.toHaveProperty('responseFormat');
    expect(presetFromDraft('Bad', { ...draft, values: { temperature: 'x' } })).toBeNull();
  });
});

describe('guards', () => {
  it('a wrong field blocks sending, and says which field and why', () => {
    expect(blockingError(validateDraft(EMPTY_DRAFT))).toBeNull();
    const reason = blockingError(validateDraft({ ...EMPTY_DRAFT, values: { temperature: '99' } }));
    expect(reason).toMatch(/^Fix Parameters to send — Temperature must be /);
    expect(blockingError(validateDraft({ ...EMPTY_DRAFT, jsonSchema: '{' }))).toMatch(/^Fix Parameters to send — JSON schema: /);
  });

  it('a preset asks before replacing a system prompt the user wrote, not an empty one or a preset\'s', () => {
    const json = BUILT_IN_PRESETS[3]!;
    expect(replacesOwnPrompt({ ...EMPTY_DRAFT, systemPrompt: 'You are my pirate.' }, json, BUILT_IN_PRESETS)).toBe(true);
    expect(replacesOwnPrompt({ ...EMPTY_DRAFT, systemPrompt: '  ' }, json, BUILT_IN_PRESETS)).toBe(false);
    expect(replacesOwnPrompt({ ...EMPTY_DRAFT, systemPrompt: json.systemPrompt! }, json, BUILT_IN_PRESETS)).toBe(false);
    // A preset without a system prompt keeps the user's anyway.
    expect(replacesOwnPrompt({ ...EMPTY_DRAFT, systemPrompt: 'You are my pirate.' }, BUILT_IN_PRESETS[0]!, BUILT_IN_PRESETS)).toBe(false);
    expect(applyPreset({ ...EMPTY_DRAFT, systemPrompt: 'Mine' }, json, true).systemPrompt).toBe('Mine');
  });
});

describe('load settings', () => {
  const settings = { contextSize: 4096, threads: 4, parallel: 2, gpuLayers: 0, flashAttention: true, kvCacheType: 'f16' as const, batchSize: 512, mmap: true };

  it('starts from what is loaded and needs a reload only when something changed', () => {
    const form = loadFormFrom(settings);
    expect(differsFrom(form, settings)).toBe(false);
    expect(differsFrom({ ...form, contextSize: '8192' }, settings)).toBe(true);
    expect(validateLoadForm({ ...form, contextSize: '8192', gpuLayers: 'max' })).toEqual({
      options: { contextSize: 8192, threads: 4, parallel: 2, batchSize: 512, gpuLayers: 'max', flashAttention: true, kvCacheType: 'f16', mmap: true },
      errors: {},
      warnings: {},
    });
  });

  it('refuses a context above the trained length and warns about more threads than cores', () => {
    const form = loadFormFrom(settings);
    const checked = validateLoadForm({ ...form, contextSize: '131072', threads: '64' }, { trainedContext: 8192, cores: 2 });
    expect(checked.errors).toEqual({ contextSize: 'Context length can be at most 8192: the model was trained for 8192 tokens.' });
    expect(checked.options).not.toHaveProperty('contextSize');
    // A warning, not an error: the reload stays possible.
    expect(checked.warnings).toEqual({ threads: '64 threads on 2 cores: generation will be much slower. Use 2 or fewer.' });
    expect(validateLoadForm({ ...form, contextSize: '8192', threads: '2' }, { trainedContext: 8192, cores: 2 })).toMatchObject({ errors: {}, warnings: {} });
  });

  it('offers KV cache type, batch size and mmap, and a quantized cache needs flash attention', () => {
    const form = loadFormFrom(settings);
    expect(differsFrom({ ...form, kvCacheType: 'q8_0' }, settings)).toBe(true);
    expect(differsFrom({ ...form, mmap: false }, settings)).toBe(true);
    expect(validateLoadForm({ ...form, kvCacheType: 'q4_0', batchSize: '1024' }).options).toMatchObject({ kvCacheType: 'q4_0', batchSize: 1024 });
    expect(validateLoadForm({ ...form, kvCacheType: 'q8_0', flashAttention: false }).errors).toEqual({ kvCacheType: 'A q8_0 KV cache needs flash attention.' });
    expect(validateLoadForm({ ...form, batchSize: '8' }).errors).toEqual({ batchSize: 'Batch size must be between 32 and 65536.' });
  });

  it('says what is wrong with each field', () => {
    const { errors } = validateLoadForm({ ...loadFormFrom(settings), contextSize: '10', threads: 'many', gpuLayers: 'some' });
    expect(errors).toEqual({
      contextSize: 'Context length must be between 64 and 1048576.',
      threads: 'Threads must be a whole number.',
      gpuLayers: 'GPU layers must be a whole number (0–1000), auto or max.',
    });
  });
});
