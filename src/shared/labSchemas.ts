import { z } from 'zod';

/** Arguments of the `lab.*` methods (the quantization lab). */

/** llama-perplexity's default chunk length, in tokens. */
export const DEFAULT_LAB_CONTEXT = 512;
/** Most bytes of a user's own text (several hundred thousand tokens: hours of work on a small machine). */
export const MAX_LAB_TEXT_BYTES = 4 * 1024 * 1024;

export const labRunArgsSchema = z
  .object({
    /** Library ids of two or more files of one model. */
    modelIds: z.array(z.string().min(1).max(2000)).min(2).max(16),
    /** The reference file; default the largest (the most precise). */
    baseModelId: z.string().min(1).max(2000).optional(),
    /** Tokens per chunk (llama-perplexity's `-c`); default 512. The text must hold two chunks. */
    contextSize: z.number().int().min(64).max(8192).optional(),
    /** Use at most this many chunks (llama-perplexity's `--chunks`); default all the text holds. */
    chunks: z.number().int().min(1).max(10_000).optional(),
    /** The user's own text; default the bundled sample. */
    text: z
      .object({ name: z.string().min(1).max(300), content: z.string().min(1).max(MAX_LAB_TEXT_BYTES) })
      .strict()
      .optional(),
  })
  .strict();
export type LabRunArgs = z.infer<typeof labRunArgsSchema>;

export const labRunIdArgsSchema = z.object({ runId: z.string().min(1).max(100) }).strict();

export const labExportArgsSchema = z
  .object({
    runId: z.string().min(1).max(100),
    format: z.enum(['csv', 'json', 'markdown']),
  })
  .strict();
