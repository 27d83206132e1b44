import { createInterface } from 'node:readline/promises';

/** Output a CLI command writes to: the text and whether it is a terminal. */
export interface CliOutput {
  write(text: string): void;
  isTTY: boolean;
}

/** Asks a yes/no question; only "y" or "yes" (any case) is yes, so Enter keeps the safe default. */
export type Ask = (question: string) => Promise<boolean>;

/**
 * A yes/no prompt on the terminal, or undefined when stdin or stdout is not one: a script
 * cannot answer, so callers refuse instead of waiting for input that never comes.
 * @param signal aborts a pending question (Ctrl-C handled by the command).
 */
export function terminalAsk(signal?: AbortSignal): Ask | undefined {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    // readline takes Ctrl-C for itself while asking; hand it on to the command's own handler.
    rl.on('SIGINT', () => {
      rl.close();
      if (process.listenerCount('SIGINT') > 0) process.emit('SIGINT');
      else process.exit(130);
    });
    try {
      const answer = await rl.question(`${question} [y/N] `, signal ? { signal } : {});
      return /^(y|yes)$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}

/** The process's stdout as a {@link CliOutput}. */
export function stdoutOutput(): CliOutput {
  return { write: (text) => process.stdout.write(text), isTTY: process.stdout.isTTY === true };
}
