import { AppError, toErrorShape } from '../../shared/errors';

/** `hearth engine …`: the llama.cpp binary the engines load. */
export interface EngineOptions {
  action: 'build';
}

export const ENGINE_USAGE = `engine (the llama.cpp binary the engines load; hearth hardware shows which one is in use):
  hearth engine build   Compile llama.cpp for this CPU (-march=native) from the source node-llama-cpp
                    bundles, offline; needs cmake, a C++ compiler, git and npm; ~6 min on 2 cores.
                    Engines started afterwards load it whenever they run on the CPU. Undo:
                    npx node-llama-cpp source clear (in Hearth's folder)
`;

/** Parses what follows `hearth engine`; throws BAD_REQUEST with the reason. */
export function parseEngineArgs(argv: string[]): EngineOptions {
  const [action, ...rest] = argv;
  if (action !== 'build') throw new AppError('BAD_REQUEST', `hearth engine takes build${action !== undefined ? `, not "${action.slice(0, 40)}"` : ''}.\n\n${ENGINE_USAGE}`);
  if (rest.length > 0) throw new AppError('BAD_REQUEST', `hearth engine build takes no arguments, got: ${rest.join(' ').slice(0, 80)}.`);
  return { action };
}

export interface EngineCommandDeps {
  /** Builds llama.cpp for this machine (llamaBinary.ts `buildLlamaForThisMachine`). */
  build(): Promise<{ seconds: number }>;
  say(text: string): void;
  err(text: string): void;
}

/** Runs `hearth engine build`; the exit code (1 when the build could not run or failed, with why on stderr). */
export async function engineCommand(options: EngineOptions, deps: EngineCommandDeps): Promise<number> {
  deps.say("Building llama.cpp for this CPU (minutes; the builder's output follows)…\n");
  try {
    const { seconds } = await deps.build();
    deps.say(
      `Built in ${Math.round(seconds)} s. Engines started from now on load it when they run on the CPU: restart a running hearth serve or the app. ` +
        '`hearth hardware` shows "binary built on this machine"; `npx node-llama-cpp source clear` in Hearth\'s folder goes back to the prebuilt binary.\n',
    );
    return 0;
  } catch (error) {
    deps.err(`${toErrorShape(error).message}\n`);
    return 1;
  }
}
