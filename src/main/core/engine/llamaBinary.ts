import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { getLlama, LlamaLogLevel, type LlamaOptions } from 'node-llama-cpp';
import type { LlamaHardwareView } from '../../../shared/hardwareDto';
import { AppError } from '../../../shared/errors';

/**
 * Which llama.cpp binary the engines load, declared once: the chat engine, the quantization lab
 * and the speed bench all ask node-llama-cpp with {@link llamaBinaryOptions}, and
 * `hearth engine build` compiles with the same options, so the engines find what it built.
 *
 * By default that is node-llama-cpp's prebuilt binary: one build per CPU family (on x64 it picks
 * the closest of ~15 variants at load, e.g. `zen4`), no OpenMP. A build for this machine
 * (`-march=native`, from the llama.cpp source node-llama-cpp bundles, offline) decodes faster on
 * some CPUs; measured on a 2-core AMD EPYC (Zen 5), README "Threads and engine speed". node-llama-cpp loads a
 * local build whose options match before any prebuilt one, and ignores these options when it
 * falls back to a prebuilt binary (they only name the local build's folder).
 *
 * OpenMP stays off as in the prebuilt binaries: its worker threads spin after each batch, which on
 * a machine with as many math threads as cores takes the core the engine's JavaScript and the
 * host need between tokens (measured through the API, 1B-shaped model, 4 streams, 2 threads on 2
 * cores: 76.5 tok/s with OpenMP, 86.9 without, prebuilt 75.0).
 */
export const LLAMA_CMAKE_OPTIONS: Readonly<Record<string, string>> = { GGML_OPENMP: 'OFF' };

/** Options for every `getLlama` of an engine process: load what is there, never build or download. */
export function llamaBinaryOptions(gpu: 'auto' | false): Pick<LlamaOptions, 'gpu' | 'build' | 'skipDownload' | 'cmakeOptions'> {
  return { gpu, build: 'never', skipDownload: true, cmakeOptions: { ...LLAMA_CMAKE_OPTIONS } };
}

/** How a loaded binary came to be, for `hearth hardware`, the Hardware view and the benches. */
export function binaryKind(buildType: 'localBuild' | 'prebuilt'): LlamaHardwareView['binary'] {
  return buildType === 'localBuild' ? 'built here' : 'prebuilt';
}

const run = promisify(execFile);

/** What building needs and `env`'s PATH lacks (cmake, a C++ compiler, git, npm), named for the message. */
export async function missingBuildTools(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  // npm: node-llama-cpp's builder runs its cmake-js script through it.
  const tools = ['cmake', 'c++', 'git', 'npm'];
  const found = await Promise.all(tools.map((tool) => run(tool, ['--version'], { env, timeout: 10_000 }).then(() => true, () => false)));
  return tools.filter((_, i) => !found[i]);
}

/**
 * Compiles llama.cpp for this CPU (CPU backend only) with node-llama-cpp's own builder, from the
 * source it bundles (no network), into node-llama-cpp's local builds, where every engine started
 * afterwards finds it. Takes minutes (~6 on 2 cores); node-llama-cpp prints the builder's progress.
 * Throws BAD_REQUEST naming what is missing when the tools are not there.
 */
export async function buildLlamaForThisMachine(env: NodeJS.ProcessEnv = process.env): Promise<{ seconds: number }> {
  const missing = await missingBuildTools(env);
  if (missing.length > 0) {
    throw new AppError('BAD_REQUEST', `Building llama.cpp needs ${missing.join(', ')} (not found). On Debian or Ubuntu: apt-get install cmake g++ git npm. Hearth keeps using the prebuilt binary.`);
  }
  const started = performance.now();
  const llama = await getLlama({
    gpu: false,
    build: 'forceRebuild',
    usePrebuiltBinaries: false,
    skipDownload: false,
    cmakeOptions: { ...LLAMA_CMAKE_OPTIONS },
    logLevel: LlamaLogLevel.error,
    progressLogs: true,
  });
  const built = llama.buildType;
  await llama.dispose();
  if (built !== 'localBuild') throw new AppError('INTERNAL', `node-llama-cpp loaded a ${built} binary after building; the build did not take.`);
  return { seconds: (performance.now() - started) / 1000 };
}
