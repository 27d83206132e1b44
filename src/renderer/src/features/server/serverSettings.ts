import { corsOriginSchema, DEFAULT_API_PORT } from '../../../../shared/serverSchemas';
import type { ApiServerSettings } from '../../../../shared/serverDto';

/** The interface the server binds by default: only this machine can reach it. */
export const LOCAL_HOST = '127.0.0.1';
/** Every interface: other machines on the network can reach it (an explicit opt-in). */
export const LAN_HOST = '0.0.0.0';

/** The settings form as typed, before validation. */
export interface ServerForm {
  /** As typed; validated by {@link validateForm}. */
  port: string;
  /** Serve on the local network (binds {@link LAN_HOST}). */
  lan: boolean;
  /** Allowed origins, one a line (commas and spaces separate too). */
  corsOrigins: string;
}

/** What `server.start` gets from the form (the key is added separately). */
export interface ServerFormArgs {
  port: number;
  host: string;
  corsOrigins: string[];
}

export type FormValidation = { ok: true; args: ServerFormArgs } | { ok: false; errors: { port?: string; corsOrigins?: string } };

/** The form for the last used settings, or the defaults when there are none. */
export function formFromSettings(settings: ApiServerSettings | null): ServerForm {
  return {
    // A port saved as 0 by an older Hearth ("any free one") shows the default: the field never reads 0.
    port: String(settings?.port || DEFAULT_API_PORT),
    lan: settings ? !isLocalHost(settings.host) : false,
    corsOrigins: (settings?.corsOrigins ?? []).join('\n'),
  };
}

/** True for hosts only this machine reaches (what the "local network" box being off means). */
export function isLocalHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** `"a, b\nb"` → `["a", "b"]`: split on commas and white space, trailing slashes dropped, no duplicates. */
export function parseOrigins(text: string): string[] {
  const origins = text
    .split(/[\s,]+/)
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  return [...new Set(origins)];
}

/** Checks the form; the messages say what to type instead. */
export function validateForm(form: ServerForm): FormValidation {
  const errors: { port?: string; corsOrigins?: string } = {};
  const portText = form.port.trim();
  const port = Number(portText);
  // No 0 ("any free port"): clients need the same address after every restart.
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) errors.port = 'Enter a port from 1 to 65535.';
  const origins = parseOrigins(form.corsOrigins);
  const bad = origins.filter((origin) => !corsOriginSchema.safeParse(origin).success);
  if (bad.length > 0) {
    errors.corsOrigins = `Not an origin: ${bad.join(', ')}. Write scheme and host only, like http://localhost:3000 (or * for any).`;
  } else if (origins.length > 64) {
    errors.corsOrigins = 'At most 64 origins.';
  }
  if (errors.port || errors.corsOrigins) return { ok: false, errors };
  return { ok: true, args: { port, host: form.lan ? LAN_HOST : LOCAL_HOST, corsOrigins: origins } };
}

/** True when starting with `args` would change what the server runs with. */
export function differsFrom(args: ServerFormArgs, settings: ApiServerSettings | null): boolean {
  if (!settings) return true;
  return (
    args.host !== settings.host ||
    (args.port !== settings.port && args.port !== 0) ||
    args.corsOrigins.length !== settings.corsOrigins.length ||
    args.corsOrigins.some((origin, i) => origin !== settings.corsOrigins[i])
  );
}

/**
 * A new API key made in this page: `hearth-` and 32 random bytes in base64url (256 bits), from
 * the page's cryptographic random source.
 */
export function generateApiKey(fill: (bytes: Uint8Array<ArrayBuffer>) => void = (bytes) => void crypto.getRandomValues(bytes)): string {
  const bytes = new Uint8Array(32);
  fill(bytes);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `hearth-${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}
