/** GGUF strings: a u64 byte length, then UTF-8 bytes. */
import type { BoundedReader } from './boundedReader';
import { claimsTooMuch, damaged, sizeText } from './ggufProblems';

/** llama.cpp refuses longer strings (GGUF_MAX_STRING_LENGTH), in bytes. */
const LLAMA_MAX_STRING_BYTES = 2 ** 30;

/**
 * Reads a string's u64 length and checks it against the bytes left before anything is read.
 * `what` names the field for the error message; it is only called on failure, so walking a
 * 150k-token vocabulary builds no strings.
 */
export async function readStringLength(reader: BoundedReader, what: () => string): Promise<number> {
  const length = await reader.u64();
  if (length > reader.remaining) throw claimsTooMuch(what(), length, reader.remaining, reader.size);
  if (length > LLAMA_MAX_STRING_BYTES) throw damaged(`${what()} is ${sizeText(length)} long (llama.cpp reads at most 1 GiB)`);
  return length;
}
