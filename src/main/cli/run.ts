/**
 * `hearth run <model> [prompt]`: a reply streamed to the terminal, on a core of its own in this
 * process (so it works without `hearth serve`). With a prompt it prints one reply and exits;
 * without one on a terminal it is a chat: a `>>>` prompt, Ctrl-C stops the reply being written,
 * Ctrl-D or `/bye` ends it. The model is named as in the API's `model` field (id, file name,
 * `owner/repo`) and resolved and loaded by the same models-on-demand policy; each reply goes
 * through the same generation pipeline as the API's and the app's.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { toErrorShape } from '../../shared/errors';
import { given } from '../../shared/given';
import type { ChatMessage } from '../../shared/dto';
import type { GenerationSampling } from '../../shared/generation';
import type { Core } from '../core/createCore';
import { ModelOnDemand } from '../core/generation/modelOnDemand';
import type { RunOptions } from './args';
import type { CliOutput } from './prompt';

export interface RunDeps {
  core: Pick<Core, 'library' | 'inference' | 'generation' | 'logger'> & Partial<Pick<Core, 'providers'>>;
  modelsDir: string;
  out: CliOutput;
  err: (text: string) => void;
  /** Lines typed in the chat (stdin); used when there is no prompt and `interactive` is set. */
  input: NodeJS.ReadableStream;
  /** stdin and stdout are a terminal: without a prompt, chat; otherwise the prompt is read from `input`. */
  interactive: boolean;
  /** Aborted on Ctrl-C outside the chat (one-shot mode): stop the reply. */
  signal: AbortSignal;
}

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT (128 + 2). */
const EXIT_INTERRUPTED = 130;

/** Runs the command; returns the exit code (0 done, 1 unknown model or a failure, 130 stopped by Ctrl-C). */
export async function runCommand(options: RunOptions, deps: RunDeps): Promise<number> {
  const models = new ModelOnDemand({
    library: deps.core.library,
    inference: deps.core.inference,
    logger: deps.core.logger,
    idleUnloadMs: 0,
    loadDefaults: options.contextSize !== undefined ? { contextSize: options.contextSize } : undefined,
  });
  try {
    // Held for the whole command: the model is loaded before the first prompt, and stays.
    // A provider's model (`<provider>/<model>`) is held by its server: nothing to load here.
    const lease = deps.core.providers?.target(options.model) ? { model: { id: options.model }, release: () => {} } : await models.acquire(options.model);
    const session: Session = { deps, models, modelId: lease.model.id };
    const sampling: GenerationSampling = given({ maxTokens: options.maxTokens, temperature: options.temperature });
    try {
      if (options.prompt === undefined && deps.interactive) return await chat(session, sampling);
      const prompt = options.prompt ?? (await readAll(deps.input)).trim();
      if (prompt === '') {
        deps.err('hearth: hearth run needs a prompt: as arguments, on stdin, or run it in a terminal for a chat.\n');
        return 2;
      }
      const { aborted } = await reply(session, [{ role: 'user', content: prompt }], sampling, deps.signal);
      return aborted ? EXIT_INTERRUPTED : 0;
    } finally {
      lease.release();
    }
  } catch (error) {
    const shape = toErrorShape(error);
    const message = shape.code === 'NOT_FOUND' ? `No model "${options.model}" in ${deps.modelsDir} (hearth ls lists them).` : shape.message;
    deps.err(`hearth: ${oneLine(message)}\n`);
    return deps.signal.aborted ? EXIT_INTERRUPTED : 1;
  } finally {
    models.close();
  }
}

/** One `hearth run`: its output, the models it may load, and the model it holds. */
interface Session {
  deps: RunDeps;
  models: ModelOnDemand;
  modelId: string;
}

/**
 * Streams one reply to the output. Returns its text and whether it was stopped; engine errors
 * (a conversation longer than the context…) are thrown.
 */
async function reply(session: Session, messages: ChatMessage[], sampling: GenerationSampling, signal: AbortSignal): Promise<{ text: string; aborted: boolean }> {
  const { deps } = session;
  let wrote = false;
  const outcome = await deps.core.generation.run({ requestId: `cli-${randomUUID()}`, model: session.modelId, messages, sampling }, session.models, {
    signal,
    emit: (event) => {
      if (event.type !== 'tokens' || event.text === '') return;
      // Models often begin with a newline or spaces; the first line starts at the prompt's edge.
      const text = wrote ? event.text : event.text.trimStart();
      if (text === '') return;
      wrote = true;
      deps.out.write(text);
    },
  });
  deps.out.write('\n');
  return { text: outcome.text, aborted: outcome.finishReason === 'aborted' };
}

/** The chat: one reply per line typed, the conversation so far as context. */
async function chat(session: Session, sampling: GenerationSampling): Promise<number> {
  const { deps } = session;
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      deps.out.write(chunk.toString());
      done();
    },
  });
  const rl = createInterface({ input: deps.input, output, prompt: '>>> ', terminal: deps.out.isTTY });
  const messages: ChatMessage[] = [];
  let running: AbortController | undefined;
  rl.on('SIGINT', () => {
    if (running) running.abort();
    else {
      deps.out.write('\nUse Ctrl + d or /bye to exit.\n');
      rl.prompt();
    }
  });
  deps.out.write('Send a message (/bye or Ctrl-D to exit, Ctrl-C stops a reply).\n');
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === '/bye') break;
    if (text !== '') {
      running = new AbortController();
      messages.push({ role: 'user', content: text });
      try {
        const answer = await reply(session, messages, sampling, running.signal);
        // A stopped reply stays in the conversation as far as it got, as in the app.
        messages.push({ role: 'assistant', content: answer.text });
      } catch (error) {
        messages.pop();
        deps.err(`hearth: ${oneLine(toErrorShape(error).message)}\n`);
      } finally {
        running = undefined;
      }
    }
    rl.prompt();
  }
  rl.close();
  return 0;
}

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
