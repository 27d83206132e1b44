import { AppError } from '../../shared/errors';
import { MAX_CONTEXT_TOKENS, MAX_THREADS, MIN_FIT_CONTEXT_TOKENS } from '../../shared/schemas';

/** Reading `hearth` command-line flags, shared by every command's parser. */

/** Options a command accepts: `true` for switches (no value), `false` for options with a value. */
export type FlagSet = ReadonlyMap<string, boolean>;

/** Options that may be given several times (their values are joined with commas). */
const LIST_FLAGS = new Set(['api-cors-origin']);

/** Reads `--flags`; other arguments go to `positional` when the command takes any, else are refused. */
export function readFlags(args: string[], known: FlagSet, positional?: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--') && positional) {
      positional.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new AppError('BAD_REQUEST', `Unexpected argument "${arg}".`);
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq === -1 ? undefined : eq);
    const isSwitch = known.get(key);
    if (isSwitch === undefined) throw new AppError('BAD_REQUEST', `Unknown option "--${key}".`);
    if (isSwitch) {
      if (eq !== -1) throw new AppError('BAD_REQUEST', `Option "--${key}" takes no value.`);
      flags.set(key, 'true');
      continue;
    }
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw new AppError('BAD_REQUEST', `Option "--${key}" needs a value.`);
    // A list option given again adds to it; any other option given again: the last one wins.
    flags.set(key, LIST_FLAGS.has(key) && flags.has(key) ? `${flags.get(key)!},${value}` : value);
  }
  return flags;
}

export function parseInteger(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new AppError('BAD_REQUEST', `--${name} must be a whole number from ${min} to ${max}, got "${value}".`);
  }
  return number;
}

/** `--name`'s value as a whole number from `min` to `max`; undefined when the flag was not given. */
export function integerFlag(flags: ReadonlyMap<string, string>, name: string, min: number, max: number): number | undefined {
  const value = flags.get(name);
  return value === undefined ? undefined : parseInteger(name, value, min, max);
}

/** `--name`'s value as a number (decimals too) from `min` to `max`; undefined when the flag was not given. */
export function numberFlag(flags: ReadonlyMap<string, string>, name: string, min: number, max: number): number | undefined {
  const value = flags.get(name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) throw new AppError('BAD_REQUEST', `--${name} must be a number from ${min} to ${max}, got "${value.slice(0, 20)}".`);
  return number;
}

/** `--threads N`, as loads take it. */
export const threadsFlag = (flags: ReadonlyMap<string, string>) => integerFlag(flags, 'threads', 1, MAX_THREADS);
/** `--context N` of the commands that estimate fits or load (`hardware`, `pull`, `run`). */
export const contextFlag = (flags: ReadonlyMap<string, string>) => integerFlag(flags, 'context', MIN_FIT_CONTEXT_TOKENS, MAX_CONTEXT_TOKENS);
