import { z } from 'zod';

/** Arguments of the `server.*` methods (the local OpenAI-compatible API server). */

/** Default port of the API server (LM Studio's, so clients configured for it find Hearth). */
export const DEFAULT_API_PORT = 1234;
/** Default idle time before a model the API loaded is unloaded, in minutes. */
export const DEFAULT_IDLE_UNLOAD_MINUTES = 60;

/** `http(s)://host[:port]` exactly as a browser sends it in `Origin`, or `*` (any origin; an explicit opt-in). */
export const corsOriginSchema = z
  .string()
  .max(300)
  .refine((value) => value === '*' || /^https?:\/\/[^/\s?#]+$/i.test(value), 'must be an origin like http://localhost:3000 (scheme and host, no path), or *');

export const serverStartArgsSchema = z
  .object({
    /** TCP port; default 1234; 0 picks a free one. */
    port: z.number().int().min(0).max(65535).optional(),
    /** Interface to bind; default 127.0.0.1. Anything else serves other machines and comes with a warning. */
    host: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9.:_-]+$/, 'must be an IP address or a host name')
      .optional(),
    /**
     * Bearer key clients must send; at least 8 characters. `null` = no key checked. Omitted: the
     * last used key when the host keeps settings (the desktop app), else none.
     */
    apiKey: z.string().min(8).max(512).nullable().optional(),
    /** Origins allowed to call from a browser; default none (no CORS headers at all). */
    corsOrigins: z.array(corsOriginSchema).max(64).optional(),
    /** Minutes without requests before a model the API loaded is unloaded; default 60; 0 = never. */
    idleUnloadMinutes: z.number().int().min(0).max(7 * 24 * 60).optional(),
  })
  .strict();

export const serverLogArgsSchema = z
  .object({
    /** Only entries with a larger id (for polling); default all kept. */
    afterId: z.number().int().min(0).optional(),
    /** At most this many, the newest; default 200. */
    limit: z.number().int().min(1).max(1_000).optional(),
  })
  .strict();

export type ServerStartArgs = z.infer<typeof serverStartArgsSchema>;
export type ServerLogArgs = z.infer<typeof serverLogArgsSchema>;
