/**
 * `hearth ps`: what a running `hearth serve --api-port N` has loaded (and the remote models it is
 * using now, tagged with their provider), asked over its API
 * (`GET /api/ps`, Ollama's shape plus Hearth's own fields). A CLI process has no engine of its
 * own to look at: the model lives in the server's engine process, so the server is asked.
 */
import { formatBytes } from '../../shared/format';
import type { PsOptions } from './args';

/** One loaded model as `GET /api/ps` answers it. */
export interface PsModel {
  name: string;
  size: number;
  size_vram: number;
  context_length: number;
  expires_at?: string;
  /** `provider`: a remote model in use (issue 16), run by that provider; it has no memory, threads or unload here. */
  hearth?: { parallel?: number; threads?: number; pinned?: boolean; provider?: string; active_requests: number; queued_requests: number; loaded_at: string };
}

export interface PsAnswer {
  models: PsModel[];
  hearth?: { engine: string; loading: { model: string; progress: number } | null };
}

export interface PsDeps {
  /** Base URL of the API server, e.g. `http://127.0.0.1:1234`, and its key. */
  target: { origin: string; apiKey?: string };
  say: (text: string) => void;
  err: (text: string) => void;
  /** Wait for the server's answer, in ms. */
  timeoutMs?: number;
}

/** Runs `hearth ps`; returns the exit code (0 answered, 1 no server or an error). */
export async function psCommand(options: PsOptions, deps: PsDeps): Promise<number> {
  const url = `${deps.target.origin}/api/ps`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: deps.target.apiKey !== undefined ? { Authorization: `Bearer ${deps.target.apiKey}` } : {},
      signal: AbortSignal.timeout(deps.timeoutMs ?? 5_000),
    });
  } catch {
    deps.err(`hearth: no Hearth API server answers at ${deps.target.origin} (hearth ps asks a running "hearth serve --api-port N"; give its port with --api-port or HEARTH_API_PORT).\n`);
    return 1;
  }
  const body = (await response.json().catch(() => ({}))) as Partial<PsAnswer> & { error?: unknown };
  if (response.status === 401) {
    deps.err(`hearth: the server at ${deps.target.origin} needs its API key: pass --api-key or set HEARTH_API_KEY.\n`);
    return 1;
  }
  if (!response.ok || !Array.isArray(body.models)) {
    const reason = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    deps.err(`hearth: ${deps.target.origin} did not answer as a Hearth server: ${reason.slice(0, 300)}\n`);
    return 1;
  }
  deps.say(options.json ? `${JSON.stringify(body, null, 2)}\n` : formatPs(body as PsAnswer));
  return 0;
}

/** The answer as a table: one row per resident model, most recently used first, and a load under way. */
export function formatPs(answer: PsAnswer, now = Date.now()): string {
  const lines: string[] = [];
  if (answer.models.length === 0) lines.push('No model loaded.');
  else {
    const rows = answer.models.map((model) => [
      model.name,
      model.hearth?.provider !== undefined ? 'remote' : formatBytes(model.size),
      model.size_vram > 0 ? formatBytes(model.size_vram) : '-',
      model.context_length > 0 ? String(model.context_length) : '-',
      String(model.hearth?.parallel ?? '-'),
      String(model.hearth?.active_requests ?? '-'),
      String(model.hearth?.queued_requests ?? '-'),
      unloads(model, now),
    ]);
    const header = ['NAME', 'MEMORY', 'VRAM', 'CONTEXT', 'PARALLEL', 'ACTIVE', 'QUEUED', 'UNLOADS'];
    const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
    for (const row of [header, ...rows]) lines.push(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  }
  const loading = answer.hearth?.loading;
  if (loading) lines.push(`Loading ${loading.model}: ${Math.round(loading.progress * 100)} %`);
  return `${lines.join('\n')}\n`;
}

/** When the model goes: a pinned one when the user unloads it, an on-demand one after its idle time (or when evicted to make room). */
function unloads(model: PsModel, now: number): string {
  if (model.hearth?.provider !== undefined) return `runs on provider '${model.hearth.provider}'`;
  if (model.hearth?.pinned) return 'when unloaded in the app';
  const at = model.expires_at !== undefined ? Date.parse(model.expires_at) : NaN;
  if (!Number.isFinite(at)) return model.hearth?.active_requests ? 'after use, when idle' : 'when evicted';
  const minutes = Math.max(0, Math.round((at - now) / 60_000));
  return minutes < 1 ? 'in < 1 min' : `in ${minutes} min`;
}
