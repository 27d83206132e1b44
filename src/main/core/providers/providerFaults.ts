import { AppError, type ErrorCode } from '../../../shared/errors';

/**
 * Everything that can go wrong with a provider, as one sentence that names it, so a user reading
 * a chat, a CLI line or an API error knows which server to look at. Codes: a remote's 401/403 and
 * 5xx are NETWORK (502 through Hearth's API: the client's own key to Hearth was fine), a model
 * the remote no longer has is NOT_FOUND, a request the remote refused is BAD_REQUEST.
 */
export class ProviderError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    /** Whether trying again may help (retried only before the first token). */
    readonly transient = false,
  ) {
    super(code, message);
    this.name = 'ProviderError';
  }
}

/** Network error codes of Node's fetch (undici) that mean "nobody answered at that address". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const CUT = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_ABORTED']);

/** The innermost `code` and message of a fetch failure (`TypeError: fetch failed` wraps the real one in `cause`). */
function rootCause(error: unknown): { code: string; message: string } {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    current = cause;
  }
  const code = String((current as { code?: unknown } | null)?.code ?? '');
  const message = current instanceof Error ? current.message : String(current);
  return { code, message: message.slice(0, 200) };
}

/** A failure to reach the provider or to read its answer, before any HTTP status. */
export function networkFault(provider: string, url: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const { code, message } = rootCause(error);
  const where = `Provider '${provider}' (${originOf(url)})`;
  if (code.startsWith('ERR_TLS') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|SSL|TLS/i.test(`${code} ${message}`)) {
    return new ProviderError('NETWORK', `${where} failed the TLS handshake: ${message || code}.`);
  }
  if (UNREACHABLE.has(code)) return new ProviderError('NETWORK', `${where} is unreachable: ${describeCode(code, message)}.`, true);
  if (CUT.has(code)) return new ProviderError('NETWORK', `${where} closed the connection: ${message || code}.`, true);
  return new ProviderError('NETWORK', `${where} could not be reached: ${message || code || 'unknown network error'}.`, true);
}

function describeCode(code: string, message: string): string {
  if (code === 'ECONNREFUSED') return 'nothing listens at that address (connection refused)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its host name does not resolve';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'the connection timed out';
  return message || code;
}

/** An HTTP answer that is not a success: `body` is its text (the remote's error message is read from it). */
export function statusFault(provider: string, status: number, body: string, model?: string): ProviderError {
  const said = remoteMessage(body);
  const detail = said ? `: ${said}` : '';
  const name = `Provider '${provider}'`;
  if (status === 401 || status === 403) return new ProviderError('NETWORK', `${name} refused Hearth's key (HTTP ${status}): check the key given with \`hearth provider add\`${detail}.`);
  if (status === 404) {
    const what = model !== undefined ? `the model '${model}'` : 'that endpoint';
    return new ProviderError('NOT_FOUND', `${name} does not have ${what} (HTTP 404): it may have been removed or renamed; refresh the provider's models${detail}.`);
  }
  if (status === 429) return new ProviderError('BUSY', `${name} is rate limiting Hearth (HTTP 429)${detail}.`, true);
  if (status >= 500) return new ProviderError('NETWORK', `${name} failed (HTTP ${status})${detail}.`, status === 502 || status === 503 || status === 504);
  if (status >= 300 && status < 400) return new ProviderError('NETWORK', `${name} answered with a redirect (HTTP ${status}), which Hearth does not follow so the key never goes elsewhere: set the provider's URL to the final address.`);
  return new ProviderError('BAD_REQUEST', `${name} rejected the request (HTTP ${status})${detail}.`);
}

/** The stream ended before its end (the remote went away, or went silent past the idle timeout). */
export function cutFault(provider: string, reason: string, tokens: number): ProviderError {
  return new ProviderError('NETWORK', `Provider '${provider}' stopped in the middle of the reply (after ${tokens} token${tokens === 1 ? '' : 's'}): ${reason}.`);
}

/** OpenAI's `{error: {message}}`, llama-server's and Ollama's `{error: "…"}`, or plain text; clipped. */
export function remoteMessage(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  try {
    const value = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = value.error;
    const message =
      typeof error === 'string' ? error : typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : typeof value.message === 'string' ? value.message : typeof value.detail === 'string' ? value.detail : '';
    return clip(message.replace(/\.$/, ''));
  } catch {
    return clip(text.split('\n')[0]!);
  }
}

function clip(text: string): string {
  return text.length <= 300 ? text : `${text.slice(0, 299)}…`;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url.slice(0, 100);
  }
}
