import type { Llama, LlamaGrammar } from 'node-llama-cpp';
import type { Tool } from '../../../shared/dto';
import { toGrammarSchema } from './jsonSchemaSupport';

/** Tool grammars kept per loaded model (a client sends the same tools with every request). */
const MAX_CACHED = 64;

/**
 * Any JSON object, written compactly: the arguments of a tool whose parameter schema no grammar
 * can enforce. Hearth's own (llama.cpp's json.gbnf allows free whitespace, which a small model
 * spends its tokens on).
 */
const ANY_OBJECT_GBNF = [
  'root ::= object',
  'value ::= object | array | string | number | "true" | "false" | "null"',
  'object ::= "{" ( string ":" value ( "," string ":" value )* )? "}"',
  'array ::= "[" ( value ( "," value )* )? "]"',
  'string ::= "\\"" ( [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" ( ["\\\\/bfnrt] | "u" [0-9a-fA-F]{4} ) )* "\\""',
  'number ::= "-"? ( "0" | [1-9] [0-9]{0,15} ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )?',
].join('\n');

/** The grammar of one call's arguments, and what of the tool's schema it does not enforce. */
export interface ArgumentsGrammar {
  grammar: LlamaGrammar;
  /** Keywords left out (`/properties/days/minimum not enforced`), or why the schema could not be used at all (the arguments are then any JSON object). */
  notEnforced?: string;
}

/**
 * The grammars a tool call is generated under: the name (one of the offered tools), the arguments
 * (the tool's parameter schema as compact JSON: no whitespace between tokens, so no token is spent
 * on indentation), and "another call, or the end" after a call.
 */
export class ToolGrammars {
  private readonly cache = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly llama: Llama) {}

  /** Exactly one of `names`. */
  names(names: readonly string[]): Promise<LlamaGrammar> {
    return this.fromGbnf(`root ::= ${names.map(literal).join(' | ')}`);
  }

  /** Either the end of the reply or `opening` (the first character of the next call's opening). */
  endOrMore(opening: string): Promise<LlamaGrammar> {
    return this.fromGbnf(`root ::= "" | ${literal(opening)}`);
  }

  async arguments(tool: Tool): Promise<ArgumentsGrammar> {
    const schema = tool.parameters ?? { type: 'object', properties: {} };
    try {
      const dropped: string[] = [];
      const checked = toGrammarSchema(schema, dropped);
      const loosened = dropped.length > 0 ? { notEnforced: `${dropped.slice(0, 5).join(', ')}${dropped.length > 5 ? ', …' : ''} not enforced` } : {};
      const key = `schema:${JSON.stringify(checked)}`;
      const cached = this.cache.get(key);
      if (cached) return { grammar: await this.touch(key, cached), ...loosened };
      const made = this.llama.createGrammarForJsonSchema(checked as never).then((grammar) => this.llama.createGrammar({ grammar: compactJsonGbnf(grammar.grammar) }));
      return { grammar: await this.remember(key, made), ...loosened };
    } catch (error) {
      const grammar = await this.fromGbnf(ANY_OBJECT_GBNF);
      return { grammar, notEnforced: error instanceof Error ? error.message : String(error) };
    }
  }

  private fromGbnf(gbnf: string): Promise<LlamaGrammar> {
    const cached = this.cache.get(gbnf);
    if (cached) return this.touch(gbnf, cached);
    return this.remember(gbnf, this.llama.createGrammar({ grammar: gbnf }));
  }

  private touch(key: string, grammar: Promise<LlamaGrammar>): Promise<LlamaGrammar> {
    this.cache.delete(key);
    this.cache.set(key, grammar);
    return grammar;
  }

  private remember(key: string, grammar: Promise<LlamaGrammar>): Promise<LlamaGrammar> {
    this.cache.set(key, grammar);
    grammar.catch(() => this.cache.get(key) === grammar && this.cache.delete(key));
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= MAX_CACHED) break;
      this.cache.delete(oldest);
    }
    return grammar;
  }
}

/**
 * node-llama-cpp's GBNF for a JSON schema, made compact: its whitespace rules (a newline and
 * indentation, or an optional space, between all tokens) become empty, the optional space after
 * each `:` goes, and so does the run of newlines it requires at the end (its end marker; the
 * arguments end where their JSON closes). What is left accepts exactly the compact JSON the
 * original accepted with no whitespace. Checked by toolGrammars.test.ts against the pinned version.
 */
export function compactJsonGbnf(gbnf: string): string {
  return gbnf
    .split('\n')
    .map((line) => {
      const rule = /^([\w-]+) ::= (.*)$/.exec(line);
      if (!rule) return line;
      const [, name, body] = rule;
      if (name!.startsWith('comma-whitespace-')) return `${name} ::= ","`;
      if (name!.startsWith('whitespace-')) return `${name} ::= ""`;
      let compact = body!.replaceAll(' [ ]?', '');
      if (name === 'root') compact = compact.replace(/ "(\\n){4}" \[\\n\]\*$/, '');
      return `${name} ::= ${compact}`;
    })
    .join('\n');
}

/** A GBNF string literal of `text`. */
function literal(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}
