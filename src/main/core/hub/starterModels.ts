/**
 * The first-run screen's starter models: real instruct GGUF repos on the Hugging Face Hub, in
 * three groups by machine. This is data, kept apart so it is easy to update: change a repo, a
 * quant or a line of text here; the app reads the real file name, size and licence from the Hub
 * listing at run time, so `approxSizeBytes` and `licence` are only shown when the Hub cannot be
 * reached (and let the tests' stand-in Hub serve the same repos with the same licences).
 *
 * Within a group the first entry is the recommended one ("Get started"): a permissive licence,
 * so one click needs no licence confirmation. Quants are Q4_K_M, the usual quality/size balance.
 * The sizes are approximate (written from the model cards, not re-checked against the Hub when
 * this file was written offline); the Hub listing's size is what the screen shows.
 */
export interface StarterCandidate {
  repo: string;
  /** Picked from the repo listing by quantization (file names differ per publisher). */
  quant: string;
  title: string;
  goodAt: string;
  approxSizeBytes: number;
  /** The repo's `license:` tag, as on the Hub. */
  licence: string;
}

export interface StarterTier {
  id: 'small' | 'medium' | 'large';
  /** Who it is for, shown on the first-run screen. */
  description: string;
  starters: StarterCandidate[];
}

const GB = 1e9;

const QWEN_05B: StarterCandidate = {
  repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
  quant: 'Q4_K_M',
  title: 'Qwen2.5 0.5B Instruct',
  goodAt: 'Quick answers and simple rewriting on any machine; 29 languages.',
  approxSizeBytes: 0.49 * GB,
  licence: 'apache-2.0',
};
const QWEN_15B: StarterCandidate = {
  repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF',
  quant: 'Q4_K_M',
  title: 'Qwen2.5 1.5B Instruct',
  goodAt: 'Everyday chat, summaries and short code, fast on a CPU; 29 languages.',
  approxSizeBytes: 1.12 * GB,
  licence: 'apache-2.0',
};
const LLAMA32_1B: StarterCandidate = {
  repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF',
  quant: 'Q4_K_M',
  title: 'Llama 3.2 1B Instruct',
  goodAt: 'Fast assistant for summaries and rewriting in English and 7 other languages.',
  approxSizeBytes: 0.81 * GB,
  licence: 'llama3.2',
};
const GEMMA3_1B: StarterCandidate = {
  repo: 'unsloth/gemma-3-1b-it-GGUF',
  quant: 'Q4_K_M',
  title: 'Gemma 3 1B',
  goodAt: "Google's small model: concise answers and text tasks, 32k context.",
  approxSizeBytes: 0.81 * GB,
  licence: 'gemma',
};
const PHI35_MINI: StarterCandidate = {
  repo: 'bartowski/Phi-3.5-mini-instruct-GGUF',
  quant: 'Q4_K_M',
  title: 'Phi-3.5 mini Instruct',
  goodAt: 'Reasoning, maths and code in English; long documents (128k context).',
  approxSizeBytes: 2.39 * GB,
  licence: 'mit',
};
const LLAMA32_3B: StarterCandidate = {
  repo: 'bartowski/Llama-3.2-3B-Instruct-GGUF',
  quant: 'Q4_K_M',
  title: 'Llama 3.2 3B Instruct',
  goodAt: 'A capable general assistant; follows instructions well, 128k context.',
  approxSizeBytes: 2.02 * GB,
  licence: 'llama3.2',
};
const GEMMA3_4B: StarterCandidate = {
  repo: 'bartowski/google_gemma-3-4b-it-GGUF',
  quant: 'Q4_K_M',
  title: 'Gemma 3 4B',
  goodAt: 'Strong writing and multilingual chat for its size, 128k context.',
  approxSizeBytes: 2.49 * GB,
  licence: 'gemma',
};
const QWEN_7B: StarterCandidate = {
  repo: 'bartowski/Qwen2.5-7B-Instruct-GGUF',
  quant: 'Q4_K_M',
  title: 'Qwen2.5 7B Instruct',
  goodAt: 'Coding, maths and structured output (JSON); 29 languages, 128k context.',
  approxSizeBytes: 4.68 * GB,
  licence: 'apache-2.0',
};
const LLAMA31_8B: StarterCandidate = {
  repo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF',
  quant: 'Q4_K_M',
  title: 'Llama 3.1 8B Instruct',
  goodAt: 'The widely used all-rounder: chat, tools and long context (128k).',
  approxSizeBytes: 4.92 * GB,
  licence: 'llama3.1',
};

export const STARTER_TIERS: readonly StarterTier[] = [
  { id: 'large', description: 'a GPU with 8 GB of memory or more', starters: [QWEN_7B, LLAMA31_8B, GEMMA3_4B] },
  { id: 'medium', description: '8 GB of RAM or more', starters: [QWEN_15B, PHI35_MINI, LLAMA32_3B] },
  { id: 'small', description: 'less than 8 GB of RAM', starters: [QWEN_05B, LLAMA32_1B, GEMMA3_1B] },
];

/**
 * The group for a machine. Speed decides as much as memory: without a GPU a 7B model writes a
 * few tokens per second on a laptop CPU, too slow for a first reply, so CPU-only machines get
 * the small models whatever their RAM.
 */
export function tierFor(hardware: { gpu: boolean; vramTotalBytes: number; ramTotalBytes: number }): StarterTier {
  const byId = (id: StarterTier['id']) => STARTER_TIERS.find((tier) => tier.id === id)!;
  if (hardware.gpu && hardware.vramTotalBytes >= 7.5 * GB) return byId('large');
  if (hardware.ramTotalBytes >= 7.5 * GB) return byId('medium');
  return byId('small');
}

/** Every repo of the data file, once (the tests' stand-in Hub serves these). */
export function allStarterCandidates(): StarterCandidate[] {
  const seen = new Map<string, StarterCandidate>();
  for (const tier of STARTER_TIERS) for (const starter of tier.starters) seen.set(starter.repo, starter);
  return [...seen.values()];
}
