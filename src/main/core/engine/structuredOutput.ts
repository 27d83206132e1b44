import { isLlamaText, LlamaJsonSchemaGrammar, type GbnfJsonSchema, type Llama, type LlamaGrammar } from 'node-llama-cpp';
import type { JsonOutputCheck, ResponseFormat, StopReason } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import { toGrammarSchema } from './jsonSchemaSupport';

/** A grammar for one response format, and how to judge a reply made with it. */
export interface StructuredOutput {
  grammar: LlamaGrammar;
  /**
   * Strings that end the reply when the grammar is satisfied. node-llama-cpp's grammars end in a
   * run of newlines the model must write before it may stop (its workaround for models that never
   * stop), so these are the grammar's own end, reported as `eos`, and never part of the text.
   */
  endStrings: string[];
  /** Whitespace at the end of the reply is padding from the grammar, not content. */
  trimTrailingWhitespace: boolean;
  /** Whether `text`, which ended with `stopReason`, is complete JSON of the requested shape. */
  check(text: string, stopReason: StopReason): JsonOutputCheck;
}

/** Grammars kept per loaded model; the least recently used goes first. */
export const MAX_CACHED_GRAMMARS = 16;

/**
 * Grammars for the response formats asked of the loaded model. Making one parses the GBNF text
 * (tens of ms for a large schema); a client that sends the same schema with every request (the
 * usual API use) pays that once. One cache per loaded model, dropped with it on unload.
 */
export class GrammarCache {
  /** Key → grammar, in order of last use (a Map iterates in insertion order). */
  private readonly entries = new Map<string, Promise<StructuredOutput>>();

  constructor(
    private readonly llama: Llama,
    private readonly maxEntries = MAX_CACHED_GRAMMARS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The grammar for `format`; undefined for free text. An unsupported schema throws BAD_REQUEST. */
  get(format: ResponseFormat | undefined): Promise<StructuredOutput> | undefined {
    if (!format || format.type === 'text') return undefined;
    const key = format.type === 'json_object' ? 'json_object' : `schema:${JSON.stringify(format.schema)}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    // Checked synchronously: a bad schema is refused before anything is cached.
    const schema = format.type === 'json_schema' ? toGrammarSchema(format.schema) : undefined;
    const created = this.create(schema);
    this.entries.set(key, created);
    created.catch(() => {
      if (this.entries.get(key) === created) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return created;
  }

  private async create(schema: ReturnType<typeof toGrammarSchema> | undefined): Promise<StructuredOutput> {
    let grammar: LlamaGrammar;
    try {
      // `json_object`: node-llama-cpp's built-in JSON grammar (llama.cpp's json.gbnf), any object.
      grammar = schema ? await this.llama.createGrammarForJsonSchema<GbnfJsonSchema, Record<string, GbnfJsonSchema>>(schema) : await this.llama.getGrammarFor('json');
    } catch (error) {
      throw new AppError('BAD_REQUEST', `This JSON schema cannot be turned into a grammar: ${error instanceof Error ? error.message : String(error)}`);
    }
    return {
      grammar,
      endStrings: plainStrings(grammar.stopGenerationTriggers),
      trimTrailingWhitespace: grammar.trimWhitespaceSuffix,
      check: (text, stopReason) =>
        checkJson(text, stopReason, (value) => {
          // node-llama-cpp's own check of a value against the schema its grammar was made from.
          if (grammar instanceof LlamaJsonSchemaGrammar) grammar.parse(text);
          else if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('it is not a JSON object');
        }),
    };
  }
}

/** Parses the reply and checks its shape; a reply cut short says so instead of a parser message alone. */
export function checkJson(text: string, stopReason: StopReason, validate: (value: unknown) => void): JsonOutputCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { valid: false, error: `${CUT_SHORT[stopReason]} (${error instanceof Error ? error.message : String(error)})` };
  }
  try {
    validate(value);
  } catch (error) {
    return { valid: false, error: `The JSON does not match the requested format: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { valid: true };
}

const CUT_SHORT: Record<StopReason, string> = {
  length: 'The reply reached its token limit before the JSON was complete',
  abort: 'The reply was stopped before the JSON was complete',
  stop: 'A stop string ended the reply before the JSON was complete',
  eos: 'The reply is not valid JSON',
  toolCalls: 'The model called a tool instead of completing the JSON',
};

function plainStrings(triggers: LlamaGrammar['stopGenerationTriggers']): string[] {
  const strings: string[] = [];
  for (const trigger of triggers) {
    if (typeof trigger === 'string') strings.push(trigger);
    else if (isLlamaText(trigger) && trigger.values.every((value) => typeof value === 'string')) strings.push(trigger.values.join(''));
  }
  return strings.filter((s) => s.length > 0);
}
