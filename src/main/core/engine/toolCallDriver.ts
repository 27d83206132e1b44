import { randomBytes } from 'node:crypto';
import { LlamaText, SpecialTokensText, type LlamaGrammar, type LlamaModel, type Token } from 'node-llama-cpp';
import type { ToolCall } from '../../../shared/dto';
import { MAX_TOOL_CALLS_PER_REPLY } from '../../../shared/toolSchemas';
import { TokenTextStream } from './textStream';
import { callTriggers, type ToolFormat } from './toolFormat';
import type { ToolGrammars } from './toolGrammars';
import type { ToolRequest } from './protocol';

/**
 * What the generation does after a token the driver has seen:
 * - `continue`: keep generating under the same grammar;
 * - `restart`: keep the token (or drop it: an end-of-generation the grammar allowed), write
 *   `inject` into the reply, and go on under `grammar` (none: free text);
 * - `end`: the reply is complete (its last call is done and no other follows); `keepToken` as above.
 */
export type ToolAction =
  | { kind: 'continue' }
  | { kind: 'restart'; keepToken: boolean; inject: Token[]; grammar: LlamaGrammar | undefined }
  | { kind: 'end'; keepToken: boolean };

/** Where the reply is: free text, a call's name, its arguments, or the choice "another call or the end". */
type Phase = 'text' | 'name' | 'arguments' | 'more';

interface OpenCall {
  index: number;
  id: string;
  name: string;
  /** The arguments' JSON text so far. */
  text: string;
  stream: TokenTextStream;
  json: JsonEnd;
}

export interface ToolCallSink {
  /** Call `index` has `id` and `name`; `delta` is the next piece of its arguments ('' when the call opens). */
  (index: number, id: string, name: string, delta: string): void;
}

/**
 * Generates tool calls in the model's own format (toolFormat.ts), one phase at a time:
 * 1. free text, until the model writes a call's opening (or, when a call is required, the opening
 *    is already in the prompt: see `forcedPrefill`);
 * 2. the name, constrained to the offered tools and completed by Hearth as soon as only one tool
 *    fits what was generated (a named tool is never generated at all);
 * 3. the arguments, constrained to the tool's schema as compact JSON and streamed as they come;
 *    Hearth writes the call's closing once the JSON closes;
 * 4. with parallel calls (and a format that has them), a choice between the end of the reply and
 *    the next call's opening, then back to 2. At most {@link MAX_TOOL_CALLS_PER_REPLY} calls.
 */
export class ToolCallDriver {
  readonly calls: ToolCall[] = [];
  /** Why an argument schema was not enforced (reported to the host's log). */
  readonly notes: string[] = [];
  private phase: Phase = 'text';
  private nameSoFar = '';
  private call: OpenCall | undefined;

  constructor(
    private readonly model: LlamaModel,
    private readonly format: ToolFormat,
    private readonly request: ToolRequest,
    private readonly grammars: ToolGrammars,
    private readonly sink: ToolCallSink,
  ) {}

  /** In free text (phase 1): the model writes text, and may open a call with one of {@link triggers}. */
  get inText(): boolean {
    return this.phase === 'text';
  }

  /** The texts that open a call in free text (none when a call is required: the prompt already opened it). */
  get triggers(): string[] {
    return this.request.choice === 'auto' ? callTriggers(this.format) : [];
  }

  /** The format's name and anything the host should log about this reply's tools. */
  get report(): { name: string; native: boolean; notes: string[] } {
    return { name: this.format.wrapperName, native: this.format.native, notes: this.notes };
  }

  /** A call was opened and is not complete (a reply cut now loses it). */
  get callOpen(): boolean {
    return this.phase === 'name' || this.phase === 'arguments';
  }

  /**
   * The grammar of the first token when a call is required: the prompt ends with the prefill
   * (toolPrompt.ts `forcedPrefill`), so the reply starts inside the call. Undefined in `auto`.
   */
  async start(): Promise<LlamaGrammar | undefined> {
    if (this.request.choice === 'auto') return undefined;
    const only = this.onlyCandidate();
    if (only !== undefined) return this.openArguments(only);
    this.phase = 'name';
    return this.grammars.names(this.candidates());
  }

  /** The model wrote a call's opening in free text; `overflow`: what it wrote after it in the same token. */
  opened(overflow: string): Promise<ToolAction> {
    this.phase = 'name';
    this.nameSoFar = '';
    return this.onName(overflow, true);
  }

  /**
   * A token generated in phases 2–4; `undefined`: the evaluation ended by itself (node-llama-cpp
   * ends it when the grammar allows nothing more), which counts as an end-of-generation token.
   */
  async onToken(token: Token | undefined): Promise<ToolAction> {
    const endOfGeneration = token === undefined || this.model.isEogToken(token);
    if (this.phase === 'more') {
      if (endOfGeneration) return { kind: 'end', keepToken: false };
      return this.nextCall();
    }
    if (this.phase === 'name') {
      if (endOfGeneration) return this.nameEnded();
      return this.onName(this.model.detokenize([token!], true), false);
    }
    if (this.phase === 'arguments' && this.call) {
      if (endOfGeneration) return { kind: 'end', keepToken: false };
      const delta = this.call.stream.push(token!);
      return this.onArguments(delta);
    }
    return { kind: 'continue' };
  }

  /** Ends the reply (its token limit, a stop): an unfinished call is dropped. */
  close(): void {
    this.call = undefined;
  }

  /**
   * More of the name: `fromOpening` = the text that came with the opening (generated freely, so
   * the name grammar starts after it); otherwise a token generated under the name grammar.
   */
  private async onName(piece: string, fromOpening: boolean): Promise<ToolAction> {
    this.nameSoFar += piece;
    const fitting = this.candidates().filter((name) => name.startsWith(this.nameSoFar));
    if (fitting.length === 1) return this.restartWithName(fitting[0]!, true);
    if (fitting.length === 0) {
      // Only text that already runs past a whole name (an opening and a name in one token) gets here.
      const whole = this.candidates().find((name) => this.nameSoFar.startsWith(name));
      return whole ? this.restartWithName(whole, true) : { kind: 'end', keepToken: true };
    }
    if (!fromOpening) return { kind: 'continue' };
    const rests = fitting.map((name) => name.slice(this.nameSoFar.length)).filter((rest) => rest !== '');
    return { kind: 'restart', keepToken: true, inject: [], grammar: await this.grammars.names(rests) };
  }

  /** The name grammar was satisfied and the model ended: the name is what it wrote (one name is a prefix of another). */
  private nameEnded(): Promise<ToolAction> {
    const name = this.candidates().find((candidate) => candidate === this.nameSoFar);
    if (!name) return Promise.resolve({ kind: 'end', keepToken: false });
    return this.restartWithName(name, false);
  }

  private async restartWithName(name: string, keepToken: boolean): Promise<ToolAction> {
    const rest = name.startsWith(this.nameSoFar) ? name.slice(this.nameSoFar.length) : '';
    const inject = LlamaText([rest, this.format.paramsPrefix(name)]).tokenize(this.model.tokenizer, 'trimLeadingSpace');
    const grammar = await this.openArguments(name);
    return { kind: 'restart', keepToken, inject, grammar };
  }

  private async openArguments(name: string): Promise<LlamaGrammar> {
    const tool = this.request.tools.find((candidate) => candidate.name === name)!;
    const { grammar, notEnforced } = await this.grammars.arguments(tool);
    if (notEnforced) this.notes.push(`tool '${name}': its parameter schema is only partly enforced by the grammar (${notEnforced})`);
    const index = this.calls.length;
    const id = `call_${randomBytes(12).toString('hex')}`;
    const detokenize = (tokens: readonly number[], last: readonly number[]) => this.model.detokenize(tokens as Token[], false, last as Token[]);
    this.call = { index, id, name, text: '', stream: new TokenTextStream(detokenize), json: new JsonEnd() };
    this.phase = 'arguments';
    this.sink(index, id, name, '');
    return grammar;
  }

  private async onArguments(delta: string): Promise<ToolAction> {
    const call = this.call!;
    if (delta) {
      call.text += delta;
      this.sink(call.index, call.id, call.name, delta);
    }
    if (!call.json.feed(delta)) return { kind: 'continue' };
    this.calls.push({ id: call.id, name: call.name, arguments: call.text || this.format.emptyArguments });
    this.call = undefined;
    const more = this.moreOpening();
    if (!more) return { kind: 'end', keepToken: true };
    this.phase = 'more';
    const inject = this.format.callSuffix(call.name).tokenize(this.model.tokenizer, 'trimLeadingSpace');
    return { kind: 'restart', keepToken: true, inject, grammar: await this.grammars.endOrMore(more.first) };
  }

  /** The model chose another call (it wrote the first character of its opening): write the rest of the opening. */
  private async nextCall(): Promise<ToolAction> {
    const more = this.moreOpening()!;
    this.phase = 'name';
    this.nameSoFar = '';
    const inject = more.rest.tokenize(this.model.tokenizer, 'trimLeadingSpace');
    const only = this.onlyCandidate();
    if (only !== undefined) {
      const named = await this.restartWithName(only, true);
      return named.kind === 'restart' ? { ...named, inject: [...inject, ...named.inject] } : named;
    }
    return { kind: 'restart', keepToken: true, inject, grammar: await this.grammars.names(this.candidates()) };
  }

  /**
   * How another call opens (betweenCalls + callPrefix), split into its first character — what
   * the model generates to choose "another call" — and the rest, which Hearth writes. Undefined
   * when no other call may follow: no parallel calls asked for or in the format, the cap reached,
   * a named tool (called once), or an opening that starts with a special token (the model would
   * write that token, not its first character).
   */
  private moreOpening(): { first: string; rest: LlamaText } | undefined {
    const between = this.format.betweenCalls;
    if (!between || !this.request.parallel || typeof this.request.choice === 'object') return undefined;
    if (this.calls.length >= MAX_TOOL_CALLS_PER_REPLY) return undefined;
    const text = LlamaText([between, this.format.callPrefix]).toString();
    const head = LlamaText(new SpecialTokensText(text)).tokenize(this.model.tokenizer)[0];
    if (head === undefined || this.model.isSpecialToken(head)) return undefined;
    // The rest is written with its special tokens recognised, as the wrapper's own text is.
    return { first: text[0]!, rest: LlamaText(new SpecialTokensText(text.slice(1))) };
  }

  private candidates(): string[] {
    const choice = this.request.choice;
    return typeof choice === 'object' ? [choice.name] : this.request.tools.map((tool) => tool.name);
  }

  private onlyCandidate(): string | undefined {
    const names = this.candidates();
    return names.length === 1 ? names[0] : undefined;
  }
}

/** Finds where a JSON value that starts with `{` or `[` closes, one piece of text at a time. */
export class JsonEnd {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;

  /** Adds text; true once the value closed. */
  feed(text: string): boolean {
    for (const char of text) {
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
      } else if (char === '"') this.inString = true;
      else if (char === '{' || char === '[') {
        this.depth++;
        this.started = true;
      } else if (char === '}' || char === ']') this.depth--;
      if (this.started && this.depth === 0) return true;
    }
    return false;
  }
}
