import { AppError } from '../../shared/errors';
import { providerNameSchema, providerUrlSchema } from '../../shared/schemas';

/** `hearth provider …`: remote OpenAI-compatible servers whose models Hearth runs as `<provider>/<model>`. */
export type ProviderOptions =
  | { action: 'add'; name: string; baseUrl: string; keyEnv?: string; keyStdin: boolean; dataDir?: string }
  | { action: 'ls'; json: boolean; dataDir?: string }
  | { action: 'rm'; name: string; dataDir?: string }
  | { action: 'test'; name: string; json: boolean; dataDir?: string };

export const PROVIDER_USAGE = `provider (remote OpenAI-compatible servers: vLLM, llama-server, Ollama, another Hearth; their
models are named <provider>/<model> in the API, chats and hearth run):
  hearth provider add <name> <url> [--key-env VAR | --key-stdin]
                    Add (or replace) one; the key is never written to settings.json: --key-stdin
                    reads it from stdin into a key file only you can read (data dir, 0600),
                    --key-env names a variable read at each use and never stored
  hearth provider ls [--json]     Each provider, what answers there, and its models
  hearth provider rm <name>       Remove one and its stored key
  hearth provider test <name> [--json]   Check one now (exit code 1 when it does not answer)
  --data-dir D      Where providers are kept (env HEARTH_DATA_DIR)
`;

const SWITCHES = new Set(['key-stdin', 'json']);
const VALUES = new Set(['key-env', 'data-dir']);
const ACTIONS: Record<ProviderOptions['action'], { args: number; flags: string[] }> = {
  add: { args: 2, flags: ['key-env', 'key-stdin', 'data-dir'] },
  ls: { args: 0, flags: ['json', 'data-dir'] },
  rm: { args: 1, flags: ['data-dir'] },
  test: { args: 1, flags: ['json', 'data-dir'] },
};

/** Parses what follows `hearth provider`; throws BAD_REQUEST with the reason. */
export function parseProviderArgs(argv: string[]): ProviderOptions {
  const [action, ...rest] = argv;
  const spec = action !== undefined ? ACTIONS[action as ProviderOptions['action']] : undefined;
  if (!spec) throw new AppError('BAD_REQUEST', `hearth provider takes add, ls, rm or test${action !== undefined ? `, not "${action.slice(0, 40)}"` : ''}.\n\n${PROVIDER_USAGE}`);
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq === -1 ? undefined : eq);
    if (!spec.flags.includes(key)) throw new AppError('BAD_REQUEST', `hearth provider ${action} does not take "--${key}".`);
    if (SWITCHES.has(key)) {
      if (eq !== -1) throw new AppError('BAD_REQUEST', `Option "--${key}" takes no value.`);
      flags.set(key, 'true');
    } else if (VALUES.has(key)) {
      const value = eq === -1 ? rest[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '') throw new AppError('BAD_REQUEST', `Option "--${key}" needs a value.`);
      flags.set(key, value);
    }
  }
  if (positional.length !== spec.args) {
    const wanted = action === 'add' ? 'a name and a URL' : action === 'ls' ? 'no arguments' : 'the provider name';
    throw new AppError('BAD_REQUEST', `hearth provider ${action} takes ${wanted}, got: ${positional.join(' ') || 'nothing'}.`);
  }
  const dataDir = flags.get('data-dir');
  const common = dataDir !== undefined ? { dataDir } : {};
  if (action === 'ls') return { action, json: flags.has('json'), ...common };
  const name = checked(providerNameSchema, positional[0]!, 'The provider name');
  if (action === 'rm') return { action, name, ...common };
  if (action === 'test') return { action, name, json: flags.has('json'), ...common };
  const baseUrl = checked(providerUrlSchema, positional[1]!, 'The URL');
  const keyEnv = flags.get('key-env');
  if (keyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(keyEnv)) throw new AppError('BAD_REQUEST', `--key-env must be an environment variable name, got "${keyEnv.slice(0, 40)}".`);
  if (keyEnv !== undefined && flags.has('key-stdin')) throw new AppError('BAD_REQUEST', 'Give --key-env or --key-stdin, not both.');
  return { action: 'add', name, baseUrl, keyStdin: flags.has('key-stdin'), ...(keyEnv !== undefined ? { keyEnv } : {}), ...common };
}

function checked(schema: typeof providerNameSchema, value: string, what: string): string {
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError('BAD_REQUEST', `${what} "${value.slice(0, 60)}" ${result.error.issues[0]?.message ?? 'is not valid'}.`);
  return result.data;
}
