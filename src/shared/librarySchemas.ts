import { z } from 'zod';
import { idSchema } from './schemas';

/**
 * Inputs of the library methods. Paths are the user's own (typed, picked or dropped), so they
 * must be absolute; core checks what is really there before touching anything.
 */

/** An absolute path on this machine (`/…`, `C:\…`, `\\server\share\…`); no NUL bytes. */
export const absolutePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => !path.includes('\0'), 'must not contain NUL characters')
  .refine((path) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path), 'must be an absolute path');

export const libraryFolderArgsSchema = z
  .object({
    /** The folder to add or remove. */
    path: absolutePathSchema,
  })
  .strict();

export const importModelArgsSchema = z
  .object({
    /** A `.gguf` file; for a split model its first part (`…-00001-of-0000N.gguf`), the others come along. */
    path: absolutePathSchema,
    /** `copy` keeps the original; `move` removes it; `link` leaves it where it is and adds a symbolic link. */
    mode: z.enum(['copy', 'move', 'link']),
  })
  .strict();

export const deleteModelArgsSchema = z
  .object({
    /** An id from `library.listModels`. */
    modelId: idSchema,
  })
  .strict();

export type LibraryFolderArgs = z.infer<typeof libraryFolderArgsSchema>;
export type ImportModelArgs = z.infer<typeof importModelArgsSchema>;
export type DeleteModelArgs = z.infer<typeof deleteModelArgsSchema>;
