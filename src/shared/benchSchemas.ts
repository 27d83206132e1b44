import { z } from 'zod';
import { idSchema, MAX_THREADS } from './schemas';

/** Inputs of the `bench.*` and `recommendation.*` methods. */

export const recommendPreferenceSchema = z.enum(['balanced', 'quality', 'speed']);

/** llama-bench's default test sizes: pp512 and tg128. */
export const DEFAULT_BENCH_PROMPT_TOKENS = 512;
export const DEFAULT_BENCH_GEN_TOKENS = 128;
export const DEFAULT_BENCH_REPETITIONS = 2;

export const benchRunArgsSchema = z
  .object({
    modelId: idSchema,
    /** Thread counts to measure, each once; default 1 to the number of physical cores. */
    threads: z.array(z.number().int().min(1).max(MAX_THREADS)).min(1).max(64).optional(),
    /** Prompt tokens of the pp test; default 512. */
    promptTokens: z.number().int().min(1).max(8192).optional(),
    /** Generated tokens of the tg test; default 128. */
    genTokens: z.number().int().min(1).max(4096).optional(),
    /** Repetitions of each test per thread count (the mean is kept); default 2. */
    repetitions: z.number().int().min(1).max(10).optional(),
  })
  .strict();

export const recommendationPreferenceArgsSchema = z.object({ preference: recommendPreferenceSchema }).strict();

export type BenchRunArgs = z.infer<typeof benchRunArgsSchema>;
