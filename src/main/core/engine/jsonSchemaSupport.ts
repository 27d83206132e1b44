import type { GbnfJsonSchema } from 'node-llama-cpp';
import { AppError } from '../../../shared/errors';

/**
 * The part of JSON Schema that node-llama-cpp's grammar generator enforces, checked before a
 * grammar is made. Why: the generator does not reject what it does not understand — `{"type":
 * "foo"}`, `{}` or an `anyOf` silently become a grammar for `null`, and `pattern` or `minimum`
 * would simply not be enforced. A caller must learn that up front (BAD_REQUEST), not get JSON
 * that ignores half its schema.
 *
 * One normalisation: `anyOf` becomes `oneOf`. A grammar's alternatives produce a value matching at
 * least one branch, which is exactly `anyOf`; node-llama-cpp only spells it `oneOf`. Schemas made
 * by Pydantic and zod use `anyOf` for optional fields, so refusing it would refuse most of them.
 */

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
/** Types that may appear in a `type` array (node-llama-cpp has no union with object or array there). */
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const STRING_FORMATS = new Set(['date-time', 'time', 'date']);
/** Words that describe and constrain nothing; kept out of the way of the check. */
const ANNOTATIONS = new Set(['description', 'title', '$schema', '$id', '$comment', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);
const KEYWORDS_BY_TYPE: Record<string, readonly string[]> = {
  string: ['minLength', 'maxLength', 'format'],
  object: ['properties', 'additionalProperties', 'required', 'minProperties', 'maxProperties'],
  array: ['items', 'prefixItems', 'minItems', 'maxItems'],
};
/** Deepest nesting accepted, and most sub-schemas: bounds the work of making the grammar. */
const MAX_DEPTH = 32;
const MAX_NODES = 2_000;

interface Walk {
  nodes: number;
  /** Every name defined under some `$defs`, and every name a `$ref` points to (checked once all are seen). */
  defs: Set<string>;
  refs: Map<string, string>;
  /** Lenient: keywords no grammar enforces are left out (and listed here) instead of refused. */
  dropped?: string[];
}

/**
 * Checks `schema` and returns it in the form node-llama-cpp takes; throws BAD_REQUEST naming the
 * first problem. With `dropped` (a tool's parameters, where a looser grammar beats none), keywords
 * the grammar cannot enforce (`minimum`, `pattern`, …) are left out and listed there instead.
 */
export function toGrammarSchema(schema: unknown, dropped?: string[]): GbnfJsonSchema {
  if (!isPlainObject(schema)) refuse('', 'must be a JSON object');
  const walk: Walk = { nodes: 0, defs: new Set(), refs: new Map(), ...(dropped ? { dropped } : {}) };
  const normalised = normalise(schema, '', 0, walk);
  for (const [name, at] of walk.refs) if (!walk.defs.has(name)) refuse(at, `points to "${name}", which "$defs" does not define`);
  return normalised as GbnfJsonSchema;
}

function normalise(node: unknown, at: string, depth: number, walk: Walk): Record<string, unknown> {
  if (!isPlainObject(node)) refuse(at, 'must be a JSON object (a schema)');
  if (depth > MAX_DEPTH) refuse(at, `nests deeper than ${MAX_DEPTH} levels`);
  if (++walk.nodes > MAX_NODES) refuse('', `has more than ${MAX_NODES} sub-schemas`);
  const out: Record<string, unknown> = {};
  const types = typesOf(node, at);
  const allowed = new Set(['type', 'const', 'enum', 'oneOf', 'anyOf', '$ref', '$defs', ...ANNOTATIONS]);
  // Length and count limits are enforced for a single type only (not for `["string", "null"]`).
  if (types.length === 1) for (const keyword of KEYWORDS_BY_TYPE[types[0]!] ?? []) allowed.add(keyword);
  for (const [key, value] of Object.entries(node)) {
    if (!allowed.has(key) && walk.dropped) {
      walk.dropped.push(`${at}/${key}`);
      continue;
    }
    if (!allowed.has(key)) refuse(at, `uses "${key}", which Hearth cannot enforce${types.length ? ` for type ${types.join('/')}` : ''}`);
    if (ANNOTATIONS.has(key)) {
      if (key === 'description' && typeof value === 'string') out.description = value;
      continue;
    }
    out[key === 'anyOf' ? 'oneOf' : key] = normaliseKeyword(key, value, `${at}/${key}`, depth, walk);
  }
  // `{"type": "string", "enum": [...]}` (as Pydantic writes it): the list is the stricter of the two.
  if ('const' in node || 'enum' in node) delete out.type;
  if ('oneOf' in node && 'anyOf' in node) refuse(at, 'combines "oneOf" and "anyOf"; use one of them');
  const shapes = ['type', 'const', 'enum', 'oneOf', '$ref'].filter((key) => key in out);
  if (shapes.length === 0) refuse(at, 'must say what it is: "type", "enum", "const", "anyOf"/"oneOf" or "$ref"');
  if (shapes.length > 1) refuse(at, `combines ${shapes.map((s) => `"${s}"`).join(' and ')}; use one of them`);
  return out;
}

function normaliseKeyword(key: string, value: unknown, at: string, depth: number, walk: Walk): unknown {
  switch (key) {
    case 'type':
      return value;
    case 'required':
      // node-llama-cpp writes every listed property, which satisfies any `required`.
      if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) refuse(at, 'must be a list of property names');
      return value;
    case 'const':
      if (!isScalar(value)) refuse(at, 'must be a string, number, boolean or null');
      return value;
    case 'enum':
      if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar)) refuse(at, 'must be a non-empty list of strings, numbers, booleans or null');
      return value;
    case 'oneOf':
    case 'anyOf':
    case 'prefixItems':
      if (!Array.isArray(value) || value.length === 0) refuse(at, 'must be a non-empty list of schemas');
      return value.map((item, index) => normalise(item, `${at}/${index}`, depth + 1, walk));
    case '$ref': {
      const name = typeof value === 'string' && value.startsWith('#/$defs/') ? value.slice('#/$defs/'.length) : undefined;
      if (name === undefined) refuse(at, 'must point into "$defs" ("#/$defs/Name")');
      walk.refs.set(name, at);
      return value;
    }
    case '$defs':
    case 'properties': {
      if (!isPlainObject(value)) refuse(at, 'must be an object of schemas');
      if (key === '$defs') for (const name of Object.keys(value)) walk.defs.add(name);
      return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, normalise(item, `${at}/${name}`, depth + 1, walk)]));
    }
    case 'items':
      return normalise(value, at, depth + 1, walk);
    case 'additionalProperties':
      return typeof value === 'boolean' ? value : normalise(value, at, depth + 1, walk);
    case 'format':
      if (typeof value !== 'string' || !STRING_FORMATS.has(value)) refuse(at, `must be one of ${[...STRING_FORMATS].join(', ')}`);
      return value;
    default:
      // minLength, maxLength, minItems, maxItems, minProperties, maxProperties
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) refuse(at, 'must be a whole number ≥ 0');
      return value;
  }
}

function typesOf(node: Record<string, unknown>, at: string): string[] {
  const { type } = node;
  if (type === undefined) return [];
  if (typeof type === 'string') {
    if (!TYPES.has(type)) refuse(`${at}/type`, `"${type}" is not a JSON Schema type`);
    return [type];
  }
  if (Array.isArray(type) && type.length > 0 && type.every((t) => typeof t === 'string' && SCALAR_TYPES.has(t))) return type as string[];
  refuse(`${at}/type`, `must be a type name or a list of ${[...SCALAR_TYPES].join(', ')}`);
}

function refuse(at: string, problem: string): never {
  throw new AppError('BAD_REQUEST', `The JSON schema ${at ? `at "${at}" ` : ''}${problem}.`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
