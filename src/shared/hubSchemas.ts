import { z } from 'zod';
import { MAX_CONTEXT_TOKENS, MIN_FIT_CONTEXT_TOKENS } from './schemas';

/**
 * Inputs of the model hub and downloads methods. Clients name things (a repo, a file of its
 * listing, a download id); core looks up sizes, hashes and URLs itself, so nothing a page sends
 * decides where bytes come from or where they land.
 */

/** `owner/repo`, as the Hub spells ids: letters, digits, `-`, `_`, `.`; no `..`. */
export const hubRepoIdSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/, 'must be an owner/repo id such as "Qwen/Qwen2.5-0.5B-Instruct-GGUF"')
  .refine((id) => !id.includes('..'), 'must not contain ".."');

/** Branch, tag or commit. */
const revisionSchema = z.string().min(1).max(200).regex(/^[\w./-]+$/, 'must be a branch, tag or commit');

export const hubSearchArgsSchema = z
  .object({
    /** Free text; empty lists all GGUF repos. */
    query: z.string().max(200).optional(),
    /** Default `downloads`. */
    sort: z.enum(['downloads', 'likes', 'lastModified']).optional(),
    /** Results per page, 1–100; default 20. */
    limit: z.number().int().min(1).max(100).optional(),
    /** `nextCursor` of the previous page. */
    cursor: z.string().min(1).max(4096).optional(),
  })
  .strict();

export const hubRepoArgsSchema = z
  .object({
    /** What a person pasted or picked: `owner/repo`, `owner/repo:Q4_K_M`, `hf.co/…`, a huggingface.co URL of a repo or file. */
    reference: z.string().trim().min(1).max(2048),
  })
  .strict();

export const hubFitArgsSchema = z
  .object({
    repo: hubRepoIdSchema,
    /** Commit from `hub.getRepo` (every file from one snapshot); default `main`. */
    revision: revisionSchema.optional(),
    /** Context per sequence to estimate for, in tokens; default 8192 capped by each model's trained length. */
    contextSize: z.number().int().min(MIN_FIT_CONTEXT_TOKENS).max(MAX_CONTEXT_TOKENS).optional(),
  })
  .strict();

export const downloadStartArgsSchema = z
  .object({
    repo: hubRepoIdSchema,
    /** `HubGgufFile.name` from the repo listing (the single file or the first part of a split model). */
    file: z.string().min(1).max(1024),
    /** Commit from `hub.getRepo`; default `main`. */
    revision: revisionSchema.optional(),
    /** Load the model with the recommended settings once it is downloaded and verified. */
    loadWhenDone: z.boolean().optional(),
  })
  .strict();

export const downloadIdArgsSchema = z.object({ id: z.string().min(1).max(128) }).strict();

export type HubSearchArgs = z.infer<typeof hubSearchArgsSchema>;
export type HubFitArgs = z.infer<typeof hubFitArgsSchema>;
export type DownloadStartArgs = z.infer<typeof downloadStartArgsSchema>;
