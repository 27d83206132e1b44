import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadOptions } from '../../../shared/dto';
import { DEFAULT_IDLE_UNLOAD_MINUTES } from '../../../shared/serverSchemas';
import type { Core } from '../../core/createCore';
import type { Logger } from '../../core/logging/logger';
import type { ApiServerLaunch, RunningApiServer } from '../../core/server/apiServerController';
import { ModelOnDemand } from '../../core/generation/modelOnDemand';
import type { RequestLog } from '../../core/server/requestLog';
import type { ApiContext } from './apiContext';
import { ApiGuard } from './apiGuard';
import { chatCompletions, textCompletions } from './chatCompletions';
import { embeddings } from './embeddings';
import { ApiExchange } from './exchange';
import { getModel, listModels } from './models';
import { handleOllama, isOllamaPath } from './ollamaRoutes';
import { ApiError, toApiError } from './openaiErrors';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './requestBody';
import { rerank } from './rerank';
import { responses } from './responses';

export interface ApiServerOptions {
  core: Core;
  /** Interface to bind; 127.0.0.1 unless the user opts in to the network. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Bearer key every request must carry; none = open to whoever can reach the port. */
  apiKey?: string | undefined;
  /** Origins allowed to call from a browser (`*` = any); default none: no CORS headers at all. */
  corsOrigins?: readonly string[] | undefined;
  logger: Logger;
  /** Where answered requests are recorded; default the core's (`server.getLog`). */
  log?: RequestLog;
  /** Time without requests after which a model the API loaded is unloaded, in ms; 0 = never; default 60 min. */
  idleUnloadMs?: number;
  /** Largest request body, in bytes; default 4 MB. */
  maxBodyBytes?: number;
  /** Settings of the loads a request triggers (context, parallel…); default what the load plan finds fits. */
  loadDefaults?: Omit<LoadOptions, 'modelId'>;
}

type PostHandler = (ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>) => Promise<void>;

const POST_ROUTES: Record<string, PostHandler> = {
  '/v1/chat/completions': chatCompletions,
  '/v1/completions': textCompletions,
  '/v1/embeddings': embeddings,
  '/v1/responses': responses,
  // llama-server's four spellings of the same endpoint.
  '/v1/rerank': rerank,
  '/v1/reranking': rerank,
  '/rerank': rerank,
  '/reranking': rerank,
};
const MODELS_PREFIX = '/v1/models/';

/**
 * The local OpenAI-compatible API server, with Ollama's endpoints under `/api/` (`ollamaRoutes.ts`)
 * (plain `node:http`: a dozen routes need no framework, and
 * every byte of the security checks stays visible here). Each request passes, in order: the
 * request-target and `Host` checks (loopback only), the `Origin` check (CORS allow-list; preflights
 * answered here, before the key, as browsers send none), the API key, then its route. Every
 * request is logged when its response closes.
 */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const log = options.log ?? options.core.server.log;
  const server = createServer({ noDelay: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const guard = new ApiGuard({ bindHost: options.host, port, apiKey: options.apiKey, corsOrigins: options.corsOrigins ?? [] });
  const models = new ModelOnDemand({
    library: options.core.library,
    inference: options.core.inference,
    logger: options.logger,
    idleUnloadMs: options.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MINUTES * 60_000,
    loadDefaults: options.loadDefaults,
  });
  const ctx: ApiContext = { core: options.core, models, logger: options.logger, apiKeySet: options.apiKey !== undefined };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  server.on('error', (error) => options.logger.error('API server error', { error: String(error) }));
  // A malformed request line or header never reaches a handler: answer 400 and stay up.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const ex = new ApiExchange(req, res, (entry) => log.add(entry));
    handle(ex, guard, ctx, maxBodyBytes).catch((error: unknown) => {
      const apiError = toApiError(error, options.logger, `${req.method ?? ''} ${ex.path}`, { model: 'model' });
      if (!res.headersSent) return ex.sendError(apiError);
      res.end();
    });
  });

  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const urlHost = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  return {
    port,
    baseUrl: `http://${urlHost}:${port}/v1`,
    close: async () => {
      models.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Open responses end now: their clients' signals abort, so their generations stop.
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The launcher `createCore` takes (`apiServer` option): the API server for `server.start`. */
export function launchApiServer(logger: Logger): (core: Core, launch: ApiServerLaunch) => Promise<RunningApiServer> {
  return (core, { settings, apiKey, log }) =>
    startApiServer({
      core,
      host: settings.host,
      port: settings.port,
      apiKey,
      corsOrigins: settings.corsOrigins,
      logger,
      log,
      idleUnloadMs: settings.idleUnloadMinutes * 60_000,
    });
}

async function handle(ex: ApiExchange, guard: ApiGuard, ctx: ApiContext, maxBodyBytes: number): Promise<void> {
  const { req, res } = ex;
  if (!guard.targetAllowed(req.url) || !guard.hostAllowed(req.headers.host)) {
    // The Host check defeats DNS rebinding: a page on another name must not reach a loopback server.
    return ex.sendError(new ApiError(421, 'invalid_request_error', 'This Hearth API server does not answer to that host name.', null, 'invalid_host', undefined, 'UNAUTHORIZED'));
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !guard.originAllowed(origin)) {
    return ex.sendError(
      new ApiError(403, 'invalid_request_error', `Requests from the web page ${origin.slice(0, 200)} are not allowed: add its origin to the API server's CORS origins.`, null, 'origin_not_allowed', undefined, 'UNAUTHORIZED'),
    );
  }
  for (const [name, value] of Object.entries(guard.corsHeaders(origin))) res.setHeader(name, value);
  // Liveness for load balancers and scripts, as llama-server's: answered without the key (it says nothing else).
  if (ex.path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) return ex.sendJson(200, { status: 'ok' });
  if (req.method === 'OPTIONS') {
    const headers = origin !== undefined ? guard.preflightHeaders(origin, req.headers['access-control-request-headers'] as string | undefined) : {};
    res.writeHead(204, { ...headers, Allow: 'GET, POST, OPTIONS' });
    res.end();
    return;
  }
  if (!guard.authorized(req.headers.authorization)) {
    const missing = req.headers.authorization === undefined;
    return ex.sendError(
      new ApiError(401, 'authentication_error', missing ? 'This server needs an API key: send it as "Authorization: Bearer <key>".' : 'Incorrect API key.', null, 'invalid_api_key', undefined, 'UNAUTHORIZED'),
      { 'WWW-Authenticate': 'Bearer' },
    );
  }
  const path = ex.path;
  if (isOllamaPath(path)) return handleOllama(ex, ctx, maxBodyBytes);
  const post = POST_ROUTES[path];
  if (post) {
    if (req.method !== 'POST') return methodNotAllowed(ex, 'POST');
    const body = await readJsonBody(req, maxBodyBytes);
    return post(ex, ctx, body);
  }
  if (path === '/v1/models' || path.startsWith(MODELS_PREFIX)) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(ex, 'GET');
    return path === '/v1/models' ? listModels(ex, ctx) : getModel(ex, ctx, path.slice(MODELS_PREFIX.length));
  }
  return ex.sendError(new ApiError(404, 'invalid_request_error', `Unknown endpoint: ${req.method ?? ''} ${path.slice(0, 200)}.`, null, 'unknown_url', undefined, 'NOT_FOUND'));
}

function methodNotAllowed(ex: ApiExchange, allowed: string): void {
  ex.sendError(new ApiError(405, 'invalid_request_error', `${ex.path} takes ${allowed} only.`, null, 'method_not_allowed', undefined, 'BAD_REQUEST'), { Allow: allowed });
}
