/**
 * `hearth provider add|ls|rm|test`: the providers of the data dir, without an engine (like `ls`
 * and `rm`). A running `hearth serve` or desktop app watches `providers.json` and takes in a
 * provider added or removed here at once (no restart, no refresh).
 */
import type { ProviderInfo } from '../../shared/dto';
import type { ProviderService } from '../core/providers/providerService';
import type { ProviderOptions } from './providerArgs';

export interface ProviderDeps {
  providers: Pick<ProviderService, 'add' | 'list' | 'remove' | 'test' | 'refresh'>;
  say: (text: string) => void;
  err: (text: string) => void;
  /** The key, for `--key-stdin`: the first line of standard input. */
  readKey: () => Promise<string>;
}

/** Runs one `hearth provider` action; returns the exit code (1: the provider does not answer, or was not there). */
export async function providerCommand(options: ProviderOptions, deps: ProviderDeps): Promise<number> {
  switch (options.action) {
    case 'add': {
      let apiKey: string | undefined;
      if (options.keyStdin) {
        apiKey = (await deps.readKey()).trim();
        if (apiKey === '') {
          deps.err('hearth: --key-stdin read an empty key.\n');
          return 2;
        }
      }
      const info = await deps.providers.add({ name: options.name, baseUrl: options.baseUrl, ...(apiKey !== undefined ? { apiKey } : {}), ...(options.keyEnv !== undefined ? { keyEnv: options.keyEnv } : {}) });
      deps.say(`Added provider ${info.name} (${info.baseUrl}).\n${describe(info)}`);
      // Kept even when it does not answer now (a server that is off tonight), but the exit code says so.
      return info.status === 'ok' ? 0 : 1;
    }
    case 'ls': {
      const infos = await deps.providers.refresh();
      deps.say(options.json ? `${JSON.stringify(infos, null, 2)}\n` : formatProviders(infos));
      return 0;
    }
    case 'rm': {
      const { removed } = await deps.providers.remove(options.name);
      if (!removed) {
        deps.err(`hearth: there is no provider named ${options.name} (hearth provider ls lists them).\n`);
        return 1;
      }
      deps.say(`Removed provider ${options.name} and its stored key.\n`);
      return 0;
    }
    case 'test': {
      const info = await deps.providers.test(options.name);
      deps.say(options.json ? `${JSON.stringify(info, null, 2)}\n` : describe(info));
      return info.status === 'ok' ? 0 : 1;
    }
  }
}

/** One provider, several lines: what answers, its key's source, its models (or why it is down). */
function describe(info: ProviderInfo): string {
  const what = info.kind ? `${info.kind}${info.version ? ` ${info.version}` : ''}` : 'not recognised yet';
  const key = info.keySource === 'env' ? `key from $${info.keyEnv}${info.hasKey ? '' : ' (not set now)'}` : info.keySource === 'stored' ? 'key stored' : 'no key';
  const lines = [`${info.name}: ${info.status === 'ok' ? 'answers' : 'DOWN'}, ${what}, ${key}`];
  if (info.error) lines.push(`  ${info.error}`);
  for (const model of info.models) lines.push(`  ${model.id}${model.available ? '' : '  (unavailable)'}`);
  if (info.status === 'ok' && info.models.length === 0) lines.push('  (no models listed)');
  return `${lines.join('\n')}\n`;
}

/** `hearth provider ls`: one block per provider. */
export function formatProviders(infos: ProviderInfo[]): string {
  if (infos.length === 0) return 'No providers. Add one with: hearth provider add <name> <url>\n';
  return infos.map((info) => `${describe(info).trimEnd()}\n  url: ${info.baseUrl}\n`).join('\n');
}

/** `hearth ls`'s remote part: each provider's models, tagged with it, unavailable ones with the reason. */
export function formatRemoteModels(infos: ProviderInfo[]): string {
  const rows = infos.flatMap((info) =>
    info.models.length > 0 ? info.models.map((m) => [m.id, info.name, m.available ? (info.kind ?? '') : `unavailable: ${m.unavailableReason ?? ''}`]) : [[`${info.name}/…`, info.name, info.error ?? 'no models listed']],
  );
  if (rows.length === 0) return '';
  const header = ['REMOTE MODEL', 'PROVIDER', 'DETAILS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `\n${[line(header), ...rows.map(line)].join('\n')}\n`;
}
