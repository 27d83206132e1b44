import { ChatWrapper, LlamaText, type ChatWrapper as ChatWrapperType, type LlamaTextInputValue } from 'node-llama-cpp';

/**
 * How a model writes a tool call, read from its chat wrapper (node-llama-cpp's, chosen from the
 * model's own chat template): Qwen's `<tool_call>\n{"name": "…", "arguments": …}\n</tool_call>`,
 * Llama 3.1's `<function=…>…</function>`, and so on. Every call has the shape
 * `callPrefix name paramsPrefix(name) <arguments JSON> callSuffix(name)`; several calls in one
 * reply are `sectionPrefix call betweenCalls call …` when the format has parallel calls.
 *
 * Chat templates without a tool format of their own get Hearth's generic one (`native: false`):
 * the tools are described in the system message and a call is the JSON object
 * `{"name":"…","arguments":{…}}`, the convention most instruction-tuned models follow.
 */
export interface ToolFormat {
  /** True when the format is the model's own (its chat wrapper renders and documents the tools). */
  native: boolean;
  /** The wrapper's name, for the log ("Qwen", "Llama 3.1", …). */
  wrapperName: string;
  sectionPrefix: LlamaText;
  callPrefix: LlamaText;
  /** Other ways a model may open a call (detected, never written). */
  alternatePrefixes: LlamaText[];
  /** A space before the prefix still opens a call. */
  optionalPrefixSpace: boolean;
  paramsPrefix(name: string): LlamaText;
  callSuffix(name: string): LlamaText;
  /** Between two calls of one reply; undefined when the format has one call per reply. */
  betweenCalls: LlamaText | undefined;
  /** The JSON text of "no arguments", for a tool whose reply was empty. */
  emptyArguments: string;
}

/** Hearth's own format, for models whose chat template has none. */
const GENERIC_FORMAT: ToolFormat = {
  native: false,
  wrapperName: 'generic',
  sectionPrefix: LlamaText(''),
  callPrefix: LlamaText('{"name":"'),
  alternatePrefixes: [LlamaText('{"name": "'), LlamaText('{ "name": "')],
  optionalPrefixSpace: true,
  paramsPrefix: () => LlamaText('","arguments":'),
  callSuffix: () => LlamaText('}'),
  betweenCalls: LlamaText('\n'),
  emptyArguments: '{}',
};

/** The tool format of a chat wrapper: its own when it defines one, else the generic one. */
export function toolFormatOf(wrapper: ChatWrapperType): ToolFormat {
  const functions = wrapper.settings.functions;
  // Wrappers without a tool syntax of their own inherit the base class's settings object.
  if (functions === ChatWrapper.defaultSettings.functions) return GENERIC_FORMAT;
  const call = functions.call;
  const parallel = functions.parallelism?.call;
  return {
    native: true,
    wrapperName: wrapper.wrapperName,
    sectionPrefix: LlamaText(parallel?.sectionPrefix ?? ''),
    callPrefix: LlamaText(call.prefix),
    alternatePrefixes: (call.prefixAlternateMatches ?? []).map((prefix) => LlamaText(prefix)),
    optionalPrefixSpace: call.optionalPrefixSpace,
    paramsPrefix: (name) => withName(call.paramsPrefix, name),
    callSuffix: (name) => withName(call.suffix, name),
    betweenCalls: parallel ? LlamaText(parallel.betweenCalls ?? '') : undefined,
    emptyArguments: call.emptyCallParamsPlaceholder === undefined || call.emptyCallParamsPlaceholder === '' ? '{}' : JSON.stringify(call.emptyCallParamsPlaceholder),
  };
}

/**
 * The texts that open the first call of a reply, as generated text reads (special tokens spelled
 * out): each prefix after the section prefix, with and without a leading space where allowed.
 */
export function callTriggers(format: ToolFormat): string[] {
  const section = format.sectionPrefix.toString();
  const prefixes = [format.callPrefix, ...format.alternatePrefixes].map((prefix) => section + prefix.toString());
  const triggers = format.optionalPrefixSpace ? prefixes.flatMap((prefix) => [` ${prefix}`, prefix]) : prefixes;
  return [...new Set(triggers.filter((trigger) => trigger.trim().length > 0))];
}

/** `{{functionName}}` in a wrapper's text replaced by the tool's name (only in plain strings, as node-llama-cpp defines it). */
function withName(text: LlamaTextInputValue, name: string): LlamaText {
  return LlamaText(text).mapValues((value) => (typeof value === 'string' ? value.replaceAll('{{functionName}}', name) : value));
}
