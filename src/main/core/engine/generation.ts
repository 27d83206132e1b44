import { LlamaGrammarEvaluationState, type LlamaGrammar, type LlamaModel, type SequenceEvaluateOptions, type Token } from 'node-llama-cpp';
import type { SamplingParams, StopReason, TokenLogprob } from '../../../shared/dto';
import type { GenerateResult } from './protocol';
import { generationStats } from './engineResults';
import { DirectDecoder } from './directDecode';
import { directDecodeUnsupported } from './nodeLlamaInternals';
import { adaptedChunkSize, FIRST_PROMPT_CHUNK } from './promptChunks';
import { evaluateOptions } from './sampling';
import type { SequenceSlot } from './sequencePool';
import type { StructuredOutput } from './structuredOutput';
import { TokenTextStream } from './textStream';
import type { ToolAction, ToolCallDriver } from './toolCallDriver';
import { tokenLogprob } from './tokenLogprobs';

/** Stands for "no token" where the evaluation ended without one (never kept: the driver drops it). */
const NO_TOKEN = -1 as Token;

/** A generated token with what node-llama-cpp reports of its position (when log probabilities are asked for). */
interface TokenWithMetadata {
  token: Token;
  confidence: number;
  probabilities?: Map<Token, number>;
}

export interface GenerationSink {
  /** New text of `tokenCount` tokens; with log probabilities asked for, each of those tokens' (in order). */
  onText(text: string, tokenCount: number, logprobs?: TokenLogprob[]): void;
  onPromptProgress(processed: number, total: number): void;
  /** A tool call opened (`delta` '') or its arguments grew by `delta` (see toolCallDriver.ts). */
  onToolCall?(index: number, id: string, name: string, delta: string): void;
}

export interface GenerationInput {
  requestId: string;
  model: LlamaModel;
  slot: SequenceSlot;
  /** The whole rendered prompt. */
  promptTokens: Token[];
  /** Leading prompt tokens already in the sequence's KV cache. */
  cachedTokens: number;
  /** Single tokens that end the reply (the chat template's end-of-turn markers). */
  stopTokens: ReadonlySet<Token>;
  params: SamplingParams;
  /** The grammar the reply must follow (a JSON response format), if any. */
  structured?: StructuredOutput | undefined;
  /** Tokens the sequence can still hold after the prompt. */
  room: number;
  /** Report each generated token's log probability and `top` alternatives. */
  logprobs?: { top: number } | undefined;
  /** With tools: the driver that generates calls in the model's format, and the grammar of the first token (a required call). */
  tools?: { driver: ToolCallDriver; grammar: LlamaGrammar | undefined } | undefined;
  startedAt: number;
  sink: GenerationSink;
}

/**
 * One reply in progress on one sequence. The scheduler calls {@link step} once per round for
 * every active generation; each step does one unit of native work — a prompt chunk, or one
 * generated token — and starts it synchronously, so llama.cpp decodes all sequences' work of a
 * round in one batch.
 */
export class Generation {
  readonly requestId: string;
  readonly slot: SequenceSlot;
  /** Resolves with the reply, or rejects with what went wrong. Settled exactly once. */
  readonly result: Promise<GenerateResult>;
  finished = false;
  private resolve!: (result: GenerateResult) => void;
  private reject!: (error: unknown) => void;
  private aborted = false;
  private remainingPrompt: Token[];
  private processed: number;
  private chunkSize = FIRST_PROMPT_CHUNK;
  private iterator: AsyncGenerator<Token | TokenWithMetadata, void, void | Token | Token[]> | undefined;
  /** With log probabilities: every generated token's, and those not yet handed to the sink. */
  private readonly logprobs: TokenLogprob[] = [];
  private pendingLogprobs: TokenLogprob[] = [];
  private readonly generated: Token[] = [];
  private readonly stream: TokenTextStream;
  private readonly maxTokens: number;
  private pendingTokens = 0;
  private firstTokenAt = 0;
  /** The grammar the next evaluation runs under (changes inside a tool call). */
  private grammar: LlamaGrammar | undefined;
  /** Tokens the next evaluation starts with, after the prompt: a kept token and what Hearth writes after it (tool calls). */
  private pendingInput: Token[] = [];
  /** Sampling for this reply, its seed drawn once: every evaluation and the direct path sample with it. */
  private readonly sampling: SequenceEvaluateOptions;
  /** The last token sampled, not decoded yet. */
  private lastToken: Token | undefined;
  /** Decodes this reply's tokens while it is plain text (see directDecode.ts); undefined when it is not, or cannot. */
  private direct: DirectDecoder | undefined;
  /** Why the direct path cannot run on this sequence ('' when it can), once asked. */
  private directUnsupported: string | undefined;
  /** Direct steps ran since the iterator last yielded: its next step must decode {@link lastToken}, not what it yielded. */
  private iteratorBehind = false;

  constructor(private readonly input: GenerationInput) {
    this.requestId = input.requestId;
    this.slot = input.slot;
    this.remainingPrompt = input.promptTokens.slice(input.cachedTokens);
    this.processed = input.cachedTokens;
    this.maxTokens = Math.min(input.params.maxTokens ?? Infinity, input.room);
    const driver = input.tools?.driver;
    // With tools, special tokens are read as text: a call's opening may be one (Qwen's `<tool_call>`).
    this.stream = new TokenTextStream(
      (tokens, last) => input.model.detokenize(tokens as Token[], driver !== undefined, last as Token[]),
      [...(input.params.stop ?? []), ...(input.structured?.endStrings ?? []), ...(driver?.triggers ?? [])],
      input.structured?.trimTrailingWhitespace ?? false,
    );
    this.grammar = input.tools ? input.tools.grammar : input.structured?.grammar;
    this.sampling = evaluateOptions(input.params, this.generated);
    this.result = new Promise<GenerateResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // The scheduler also observes the promise; an unobserved rejection must not crash the process.
    this.result.catch(() => {});
  }

  /** Asks the generation to end at its next step with stop reason `abort`. */
  abort(): void {
    this.aborted = true;
  }

  /**
   * One unit of work. The native call is issued, or handed to the round's direct batch, before this
   * returns (lockstep batching relies on it).
   */
  step(): Promise<void> {
    if (this.finished) return Promise.resolve();
    if (this.aborted) return this.finish('abort');
    // Leave the last chunk to the step that also samples the first token.
    if (this.remainingPrompt.length > this.chunkSize) {
      const chunk = this.remainingPrompt.slice(0, this.chunkSize);
      this.remainingPrompt = this.remainingPrompt.slice(this.chunkSize);
      const started = performance.now();
      return this.slot.sequence.evaluateWithoutGeneratingNewTokens(chunk).then(() => {
        this.processed += chunk.length;
        this.chunkSize = adaptedChunkSize(this.chunkSize, chunk.length, performance.now() - started);
        this.input.sink.onPromptProgress(this.processed, this.input.promptTokens.length);
      });
    }
    if (this.canDecodeDirectly()) return this.directStep();
    this.leaveDirectPath();
    this.iterator ??= this.startEvaluation();
    const replacement = this.iteratorBehind ? this.lastToken : undefined;
    this.iteratorBehind = false;
    return this.iterator.next(replacement).then((next) => {
      const driver = this.input.tools?.driver;
      // Inside a call the evaluation ends when the grammar allows nothing more: the driver decides what that means.
      if (next.done && driver && !driver.inText) return driver.onToken(undefined).then((action) => this.onToolAction(action, NO_TOKEN));
      if (next.done) return this.finish('eos');
      const value = next.value;
      if (typeof value === 'number') return this.onToken(value);
      return this.onToken(value.token, value);
    });
  }

  /** Ends the generation with an error (a failed native call). */
  fail(error: unknown): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.finished = true;
    this.reject(error);
    return this.closeIterator();
  }

  /**
   * Plain text only: a grammar, log probabilities and tool calls need what `evaluate` does per
   * token; not for a seeded sampled reply (below). Also false while the input would not fit one
   * batch or the context (then `evaluate`, which splits and shifts).
   */
  private canDecodeDirectly(): boolean {
    if (this.grammar || this.input.logprobs || this.input.tools) return false;
    // A seed promises the same text whatever else runs, which holds only while one sampler draws
    // every token: a seeded sampled reply stays with `evaluate` (greedy ones need no draws).
    if (this.input.params.seed !== undefined && this.sampling.temperature !== 0) return false;
    const sequence = this.slot.sequence;
    this.directUnsupported ??= directDecodeUnsupported(sequence) ?? '';
    if (this.directUnsupported) return false;
    const input = this.directInput().length;
    return input <= sequence.context.batchSize && sequence.nextTokenIndex + input < sequence.context.contextSize;
  }

  /** What the next step decodes: the last token sampled, or the rest of the prompt before the first. */
  private directInput(): Token[] {
    return this.lastToken !== undefined ? [this.lastToken] : this.remainingPrompt;
  }

  private directStep(): Promise<void> {
    const input = this.directInput();
    this.remainingPrompt = [];
    this.iteratorBehind = this.iterator !== undefined;
    this.direct ??= new DirectDecoder(this.slot.sequence, this.sampling);
    return this.direct.next(input).then((next) => this.onToken(next));
  }

  /** The reply goes (back) to `evaluate` (a grammar now, input past a batch or the context): the direct sampler goes. */
  private leaveDirectPath(): void {
    this.direct?.dispose();
    this.direct = undefined;
  }

  private startEvaluation(): AsyncGenerator<Token | TokenWithMetadata, void, void | Token | Token[]> {
    const { model } = this.input;
    // A fresh grammar state per evaluation (node-llama-cpp advances it with every sampled token),
    // on the reply's one sampling config.
    const grammarState = this.grammar ? new LlamaGrammarEvaluationState({ model, grammar: this.grammar }) : undefined;
    // Later evaluations start with what Hearth writes into a tool call, or (no tools) with the
    // token the direct path sampled last.
    const rest = this.remainingPrompt.length > 0 ? this.remainingPrompt : this.input.tools ? this.pendingInput : this.directInput();
    this.remainingPrompt = [];
    this.pendingInput = [];
    this.iteratorBehind = false;
    const options = grammarState ? { ...this.sampling, grammarEvaluationState: grammarState } : this.sampling;
    const top = this.input.logprobs?.top;
    if (top === undefined) return this.slot.sequence.evaluate(rest, options);
    // Reading the whole distribution per token costs time: only when log probabilities were asked for.
    return this.slot.sequence.evaluateWithMetadata(rest, { confidence: true, probabilities: top > 0 }, options);
  }

  private onToken(token: Token, metadata?: TokenWithMetadata): Promise<void> {
    this.lastToken = token;
    if (this.firstTokenAt === 0) {
      this.firstTokenAt = performance.now();
      this.input.sink.onPromptProgress(this.input.promptTokens.length, this.input.promptTokens.length);
    }
    if (this.aborted) return this.finish('abort');
    const driver = this.input.tools?.driver;
    if (driver && !driver.inText) return driver.onToken(token).then((action) => this.onToolAction(action, token));
    if (this.input.stopTokens.has(token) || this.input.model.isEogToken(token)) return this.finish('eos');
    this.generated.push(token);
    this.pendingTokens++;
    if (metadata && this.input.logprobs) {
      const entry = tokenLogprob(this.input.model, token, metadata.confidence, metadata.probabilities, this.input.logprobs.top);
      this.logprobs.push(entry);
      this.pendingLogprobs.push(entry);
    }
    const text = this.stream.push(token);
    if (text) this.emitText(text);
    if (driver && this.stream.stopped && driver.triggers.includes(this.stream.stoppedBy ?? '')) {
      // The model opened a call: the text so far is the reply's content, the call goes on from here.
      return driver.opened(this.stream.afterStop).then((action) => this.onToolAction(action, token, true));
    }
    // The grammar's own end marker is the model finishing, not a caller's stop string.
    if (this.stream.stopped) return this.finish(this.input.structured?.endStrings.includes(this.stream.stoppedBy ?? '') ? 'eos' : 'stop');
    if (this.generated.length >= this.maxTokens) return this.finish('length');
    return Promise.resolve();
  }

  /** Applies what the tool-call driver decided after `token` (`kept`: the token is already part of the reply). */
  private async onToolAction(action: ToolAction, token: Token, kept = false): Promise<void> {
    // A dropped token is an end-of-generation the grammar allowed: not part of the reply.
    const keep = action.kind === 'continue' || action.keepToken;
    if (keep && !kept) this.generated.push(token);
    if (action.kind === 'end') return this.finish('toolCalls');
    if (action.kind === 'restart') {
      await this.closeIterator();
      this.generated.push(...action.inject);
      this.pendingInput = [...(action.keepToken ? [token] : []), ...action.inject];
      this.grammar = action.grammar;
    }
    if (this.generated.length >= this.maxTokens) return this.finish('length');
  }

  private finish(stopReason: StopReason): Promise<void> {
    if (this.finished) return Promise.resolve();
    this.finished = true;
    const tail = this.stream.finish();
    if (tail || this.pendingTokens) this.emitText(tail);
    const { promptTokens, cachedTokens, startedAt, structured } = this.input;
    const text = this.stream.fullText;
    // The tokens as generated: the next turn's prompt spells this reply with them (see replyTokens.ts).
    this.slot.lastReply = { text, tokens: this.generated, detokenize: (tokens) => this.input.model.detokenize(tokens, false) };
    this.resolve({
      text,
      stats: generationStats(startedAt, this.firstTokenAt, performance.now(), promptTokens.length, cachedTokens, this.generated.length, stopReason),
      sequenceId: this.slot.id,
      ...(structured ? { json: structured.check(text, stopReason) } : {}),
      ...(this.input.logprobs ? { logprobs: this.logprobs } : {}),
      ...(this.input.tools ? { toolCalls: this.input.tools.driver.calls, toolFormat: this.input.tools.driver.report } : {}),
    });
    return this.closeIterator();
  }

  private emitText(text: string): void {
    const logprobs = this.pendingLogprobs.length > 0 ? this.pendingLogprobs : undefined;
    this.input.sink.onText(text, this.pendingTokens, logprobs);
    this.pendingTokens = 0;
    this.pendingLogprobs = [];
  }

  private async closeIterator(): Promise<void> {
    this.leaveDirectPath();
    const iterator = this.iterator;
    this.iterator = undefined;
    await iterator?.return();
  }
}
