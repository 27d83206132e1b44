import WebSocket from 'ws';
import type { AppEvents, EventName } from '../../src/shared/events';
import type { ServerMessage } from '../../src/shared/wire';

/** A second client of the same server, speaking the RPC protocol like the UI does (for setup and checks). */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; onChunk?: (chunk: unknown) => void }>();
  private readonly listeners = new Set<(event: EventName, payload: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'event') {
        for (const listener of this.listeners) listener(message.event, message.payload);
        return;
      }
      const pending = this.pending.get(message.id);
      if (!pending) return;
      if (message.type === 'chunk') {
        pending.onChunk?.(message.chunk);
        return;
      }
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    });
  }

  static async connect(origin: string, token: string): Promise<RpcClient> {
    const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/rpc`, { headers: { Authorization: `Bearer ${token}` } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new RpcClient(socket);
  }

  /** Calls a method; `onChunk` receives the chunks of a streaming method (a reply's text). */
  call<T = unknown>(method: string, args: unknown = {}, onChunk?: (chunk: unknown) => void): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onChunk });
      this.socket.send(JSON.stringify({ type: 'call', id, method, args }));
    });
  }

  /** Resolves when the socket is closed (the server notices and cancels this client's calls). */
  closed(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  /** Calls `listener` for every event until the returned function is called. */
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first event `event` whose payload passes `predicate`. */
  waitForEvent<E extends EventName>(event: E, predicate: (payload: AppEvents[E]) => boolean = () => true, timeoutMs = 20_000): Promise<AppEvents[E]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${event} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (name: EventName, payload: unknown) => {
        if (name === event && predicate(payload as AppEvents[E])) {
          clearTimeout(timer);
          this.listeners.delete(listener);
          resolve(payload as AppEvents[E]);
        }
      };
      this.listeners.add(listener);
    });
  }

  close(): void {
    this.socket.close();
  }
}
