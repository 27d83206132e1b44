import { AppError } from '../../../shared/errors';
import type { HubModelReference } from './hubTypes';
import { quantFromFileName } from './quant';

/** Hosts whose URLs name Hub repos, besides the configured endpoint. */
const HUB_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);
/** The Hub's own rule for owner and repo names: alphanumerics, `-`, `_`, `.`, at most 96 chars. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;
const QUANT = /^[A-Za-z0-9_]{1,32}$/;
/** First path segments of Hub URLs that are not model repos. */
const NOT_MODELS = new Set(['datasets', 'spaces', 'collections', 'docs', 'models', 'api', 'settings', 'papers']);

function bad(text: string, why: string): AppError {
  const shown = text.length > 120 ? `${text.slice(0, 119)}…` : text;
  return new AppError(
    'BAD_REQUEST',
    `"${shown}" is not a model reference: ${why}. Use owner/repo, owner/repo:Q4_K_M or a huggingface.co URL.`,
  );
}

/**
 * Reads what a user pasted into Discover or `hearth pull`: `owner/repo`, `owner/repo:Q4_K_M`,
 * `hf.co/owner/repo[:quant]`, `https://huggingface.co/owner/repo`, and file URLs
 * `…/blob/<rev>/<path>.gguf` or `…/resolve/<rev>/<path>.gguf`. A file URL also sets `quant`
 * from the file name.
 * @param endpointHost host of a configured `HF_ENDPOINT` mirror, accepted like huggingface.co.
 * @throws AppError BAD_REQUEST saying what is wrong.
 */
export function parseModelReference(text: string, endpointHost?: string): HubModelReference {
  const input = text.trim();
  if (input === '') throw bad(text, 'it is empty');
  let rest = input;
  const scheme = /^https?:\/\//i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  const firstSlash = rest.indexOf('/');
  const maybeHost = (firstSlash < 0 ? rest : rest.slice(0, firstSlash)).toLowerCase();
  const isHost = HUB_HOSTS.has(maybeHost) || (endpointHost !== undefined && maybeHost === endpointHost.toLowerCase());
  if (isHost) rest = firstSlash < 0 ? '' : rest.slice(firstSlash + 1);
  else if (scheme) throw bad(text, `${maybeHost} is not a Hugging Face host`);
  // Query and fragment never carry anything we need (`?download=true`).
  rest = rest.replace(/[?#].*$/, '').replace(/\/+$/, '');

  const segments = rest.split('/');
  const [owner, repoAndQuant = '', kind, revision, ...filePath] = segments;
  if (owner === undefined || owner === '' || repoAndQuant === '') throw bad(text, 'it needs both an owner and a repo name');
  if (NOT_MODELS.has(owner.toLowerCase())) throw bad(text, 'only model repos can be downloaded');

  const [repoName = '', quant, ...extra] = repoAndQuant.split(':');
  if (extra.length > 0) throw bad(text, 'it has more than one ":"');
  if (!NAME.test(owner) || !NAME.test(repoName) || owner.includes('..') || repoName.includes('..')) {
    throw bad(text, 'owner and repo may only contain letters, digits, "-", "_" and "."');
  }
  const reference: HubModelReference = { repo: `${owner}/${repoName}` };
  if (quant !== undefined) {
    if (!QUANT.test(quant)) throw bad(text, 'the quantization after ":" is empty or malformed');
    if (kind !== undefined) throw bad(text, 'a ":quant" cannot be combined with a file path');
    reference.quant = quant.toUpperCase();
  }
  if (kind === undefined) return reference;

  if (kind === 'tree') {
    if (!revision || filePath.length > 0) throw bad(text, 'a /tree/ URL must name only a revision');
    return { ...reference, revision: decodeURIComponent(revision) };
  }
  if (kind !== 'blob' && kind !== 'resolve') throw bad(text, `"/${kind}/" is not a repo, blob or resolve URL`);
  if (!revision || filePath.length === 0) throw bad(text, `a /${kind}/ URL must name a revision and a file`);
  const decoded = filePath.map((part) => decodeURIComponent(part));
  if (decoded.some((part) => part === '' || part === '.' || part === '..')) throw bad(text, 'the file path is malformed');
  const file = decoded.join('/');
  if (!/\.gguf$/i.test(file)) throw bad(text, 'only .gguf files can be downloaded');
  const fileQuant = quantFromFileName(file);
  return { ...reference, file, revision: decodeURIComponent(revision), ...(fileQuant ? { quant: fileQuant } : {}) };
}
