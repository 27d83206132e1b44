import { getLlama, resolveChatWrapper, type LlamaModel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/dto';
import { fixtureModel } from '../../testing/fixtureModels';
import { renderPrompt } from './prompt';
import { ReplyTokens } from './replyTokens';

// Real tokenizer and chat template of a generated model, in this process (no context needed).
let model: LlamaModel;
const detokenize = (tokens: Token[]) => model.detokenize(tokens, false);
const render = (messages: ChatMessage[], known?: ReplyTokens) =>
  renderPrompt({ op: 'generate', requestId: 'r', messages, params: {} }, model, resolveChatWrapper(model), known).tokens;

beforeAll(async () => {
  const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, maxThreads: 1 });
  model = await llama.loadModel({ modelPath: await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }) });
}, 120_000);
afterAll(() => model?.dispose());

describe('a reply spelled with the tokens the model generated', () => {
  const user: ChatMessage = { role: 'user', content: 'Tell me a story' };

  it('renders exactly as node-llama-cpp does when no reply is known', () => {
    const messages: ChatMessage[] = [{ role: 'system', content: 'Be brief.' }, user, { role: 'assistant', content: ' once upon' }, { role: 'user', content: 'more' }];
    const state = resolveChatWrapper(model).generateContextState({
      chatHistory: [{ type: 'system', text: 'Be brief.' }, { type: 'user', text: user.content }, { type: 'model', response: [' once upon'] }, { type: 'user', text: 'more' }, { type: 'model', response: [] }],
    });
    expect(render(messages)).toEqual(state.contextText.tokenize(model.tokenizer));
    expect(render(messages, new ReplyTokens())).toEqual(state.contextText.tokenize(model.tokenizer));
  });

  it('keeps the first prompt as a prefix and the generated spelling of the reply after it', () => {
    const first = render([user]);
    // An uncommon spelling of " abc": one token per character, as a sampling model may produce.
    const generated = [...' abc'].flatMap((ch) => model.tokenize(ch, false, 'trimLeadingSpace'));
    const text = detokenize(generated);
    expect(model.tokenize(text, false, 'trimLeadingSpace')).not.toEqual(generated);
    const known = new ReplyTokens();
    known.remember(text, generated, detokenize);
    const next = render([user, { role: 'assistant', content: text }, { role: 'user', content: 'more' }], known);
    expect(next.slice(0, first.length)).toEqual(first);
    expect(next.slice(first.length, first.length + generated.length)).toEqual(generated);
    // Same text either way: only the spelling differs.
    const plain = render([user, { role: 'assistant', content: text }, { role: 'user', content: 'more' }]);
    expect(model.detokenize(next, true)).toBe(model.detokenize(plain, true));
  });

  it('refuses tokens that do not spell the text, and forgets the oldest replies first', () => {
    const known = new ReplyTokens();
    known.remember('hello', model.tokenize('bye', false), detokenize);
    expect(known.has('hello')).toBe(false);
    for (let i = 0; i < 130; i++) known.remember(` r${i}`, model.tokenize(` r${i}`, false, 'trimLeadingSpace'), detokenize);
    expect(known.size).toBe(128);
    expect(known.has(' r0')).toBe(false);
    expect(known.has(' r129')).toBe(true);
  });
});
