import { cutFault, networkFault, ProviderError, statusFault } from './providerFaults';

/**
 * Every time limit of talking to a provider, declared once (tests shorten them). Connecting itself
 * is bounded by Node's fetch (undici: 10 s to open the connection); `headersMs` bounds the wait
 * for the answer's status, which for a generation includes the remote's queue and model load.
 */
export interface ProviderTimeouts {
  /** From sending a request to the response's status line, in ms. */
  headersMs: number;
  /** Longest silence inside a streamed or read body, in ms: past it the stream counts as cut. */
  idleMs: number;
  /** Whole-request limit of the small reads (models, version, recognition), in ms. */
  probeMs: number;
  /** Retries of a request that failed before its answer began (refused connection, 502/503/504, 429). */
  retries: number;
  /** First pause between retries, doubled each time, in ms. */
  retryDelayMs: number;
}

export const PROVIDER_TIMEOUTS: ProviderTimeouts = { headersMs: 120_000, idleMs: 60_000, probeMs: 10_000, retries: 2, retryDelayMs: 500 };

/** Where a provider is and how to get its key (read at each request: an environment variable may change). */
export interface ProviderEndpoint {
  name: string;
  /** Normalised base URL, without `/v1`. */
  baseUrl: string;
  key(): Promise<string | undefined>;
}

/** Thrown when the caller's own signal aborted the request (not a fault of the provider). */
export class CallerAborted extends Error {
  constructor() {
    super('aborted by the caller');
    this.name = 'CallerAborted';
  }
}

/**
 * A client of one OpenAI-compatible server on Node's fetch. Redirects are never followed (the
 * key would go along to wherever they point); each failure becomes one {@link ProviderError}
 * sentence naming the provider; the caller's signal aborts the remote request at once (the
 * connection closes, which is how every OpenAI-compatible server learns the client left).
 */
export class ProviderClient {
  constructor(
    readonly endpoint: ProviderEndpoint,
    readonly timeouts: ProviderTimeouts = PROVIDER_TIMEOUTS,
  ) {}

  /** `GET path` as JSON within {@link ProviderTimeouts.probeMs}; a failure throws its sentence. */
  async getJson(path: string, signal?: AbortSignal): Promise<unknown> {
    const deadline = AbortSignal.timeout(this.timeouts.probeMs);
    const response = await this.send('GET', path, undefined, signal ? AbortSignal.any([signal, deadline]) : deadline, signal, deadline);
    const text = await response.text().catch((error: unknown) => {
      throw this.readFault(error, signal, deadline);
    });
    if (!response.ok) throw statusFault(this.endpoint.name, response.status, text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ProviderError('NETWORK', `Provider '${this.endpoint.name}' answered ${path} with something that is not JSON.`);
    }
  }

  /** Like {@link getJson}, but undefined on any failure: for probes whose absence says something. */
  async tryGetJson(path: string): Promise<unknown> {
    return this.getJson(path).catch(() => undefined);
  }

  /** `POST path` with a JSON body, answered as JSON (embeddings); retried only before its answer began. */
  async postJson(path: string, body: unknown, signal: AbortSignal, model?: string): Promise<unknown> {
    const response = await this.open(path, body, signal, model);
    const text = await this.readAll(response, signal);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ProviderError('NETWORK', `Provider '${this.endpoint.name}' answered ${path} with something that is not JSON.`);
    }
  }

  /**
   * `POST path` with a JSON body, read as server-sent events: yields each event's `data` (the
   * `[DONE]` marker ends it). A silence longer than `idleMs`, or a connection lost midway, throws
   * a cut fault counting `tokensSoFar()`; the caller's signal throws {@link CallerAborted}.
   */
  async *events(path: string, body: unknown, signal: AbortSignal, model: string, tokensSoFar: () => number): AsyncGenerator<string> {
    const response = await this.open(path, body, signal, model);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const chunk = await this.readWithin(reader, signal, tokensSoFar);
        if (chunk === undefined) break;
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
            .join('\n');
          if (data === '') continue;
          if (data === '[DONE]') return;
          yield data;
        }
      }
    } finally {
      // Early exit (the consumer stopped, a fault): close the connection so the remote stops too.
      await reader.cancel().catch(() => undefined);
    }
  }

  /** Sends a POST and returns its successful response, retrying (bounded) only while no answer has begun. */
  private async open(path: string, body: unknown, signal: AbortSignal, model?: string): Promise<Response> {
    const json = JSON.stringify(body);
    for (let attempt = 0; ; attempt++) {
      // Only the wait for the status line is bounded here: the body is bounded by the idle limit.
      const headers = new AbortController();
      const timer = setTimeout(() => headers.abort(), this.timeouts.headersMs);
      let fault: ProviderError;
      try {
        const response = await this.send('POST', path, json, AbortSignal.any([signal, headers.signal]), signal, headers.signal).finally(() => clearTimeout(timer));
        if (response.ok) return response;
        fault = statusFault(this.endpoint.name, response.status, await response.text().catch(() => ''), model);
      } catch (error) {
        if (error instanceof CallerAborted) throw error;
        fault = error instanceof ProviderError ? error : networkFault(this.endpoint.name, this.endpoint.baseUrl, error);
      }
      if (!fault.transient || attempt >= this.timeouts.retries) throw fault;
      await pause(this.timeouts.retryDelayMs * 2 ** attempt, signal);
    }
  }

  private async send(method: string, path: string, body: string | undefined, combined: AbortSignal, caller: AbortSignal | undefined, deadline: AbortSignal): Promise<Response> {
    const key = await this.endpoint.key();
    const headers: Record<string, string> = { Accept: method === 'POST' ? 'text/event-stream, application/json' : 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (key) headers.Authorization = `Bearer ${key}`;
    try {
      // `manual`: a 3xx comes back as it is and is refused (statusFault); the key never follows it.
      return await fetch(`${this.endpoint.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), signal: combined, redirect: 'manual' });
    } catch (error) {
      if (caller?.aborted) throw new CallerAborted();
      if (deadline.aborted) throw new ProviderError('NETWORK', `Provider '${this.endpoint.name}' did not answer ${path} within ${seconds(method === 'GET' ? this.timeouts.probeMs : this.timeouts.headersMs)}.`, true);
      throw networkFault(this.endpoint.name, this.endpoint.baseUrl, error);
    }
  }

  /** The next body chunk (undefined at its end) within the idle limit. */
  private async readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, signal: AbortSignal, tokensSoFar: () => number): Promise<Uint8Array | undefined> {
    if (signal.aborted) throw new CallerAborted();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(cutFault(this.endpoint.name, `it sent nothing for ${seconds(this.timeouts.idleMs)}`, tokensSoFar())), this.timeouts.idleMs);
      onAbort = () => reject(new CallerAborted());
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([reader.read(), stop]);
      return result.done ? undefined : result.value;
    } catch (error) {
      if (error instanceof ProviderError || error instanceof CallerAborted) throw error;
      if (signal.aborted) throw new CallerAborted();
      throw cutFault(this.endpoint.name, `the connection was lost (${networkFault(this.endpoint.name, this.endpoint.baseUrl, error).message.replace(/^.*?: /, '').replace(/\.$/, '')})`, tokensSoFar());
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  private async readAll(response: Response, signal: AbortSignal): Promise<string> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    try {
      for (;;) {
        const chunk = await this.readWithin(reader, signal, () => 0);
        if (chunk === undefined) return text + decoder.decode();
        text += decoder.decode(chunk, { stream: true });
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  private readFault(error: unknown, caller: AbortSignal | undefined, deadline: AbortSignal): Error {
    if (caller?.aborted) return new CallerAborted();
    if (deadline.aborted) return new ProviderError('NETWORK', `Provider '${this.endpoint.name}' did not answer within ${seconds(this.timeouts.probeMs)}.`);
    return networkFault(this.endpoint.name, this.endpoint.baseUrl, error);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CallerAborted());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CallerAborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function seconds(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
