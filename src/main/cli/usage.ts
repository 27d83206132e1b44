import { ENGINE_USAGE } from './engine';
import { PROVIDER_USAGE } from './providerArgs';

/** `hearth help`: every command and its options (parsed by args.ts). */
export const USAGE = `Usage: hearth <command> [options]

Commands:
  serve     Run Hearth without a window: the UI in any browser, the API for other apps
  ls        List the models in the library (the models folder and the folders added to it)
  hardware  This machine (CPU, RAM, GPUs, what llama.cpp sees) and how each model would run on it
  pull      Download a model: hearth pull owner/repo[:QUANT] (or a huggingface.co URL)
  rm        Delete a model from the models folder: hearth rm <model id or file name>
  run       Chat with a model in the terminal: hearth run <model> [prompt] (one reply with a prompt)
  ps        What a running hearth serve --api-port has loaded: memory, context, requests
  lab       Compare quantizations of one model: hearth lab <model> <model> … (size, speed, quality)
  bench     Benchmark a model on this machine: hearth bench <model> (pp512, tg128, per thread count)
  provider  Remote servers (vLLM, llama-server, Ollama, another Hearth): hearth provider add|ls|rm|test
  engine    The llama.cpp binary: hearth engine build compiles one for this CPU (faster on some)
  help      Show this help

serve options:
  --host H          Interface to listen on (default 127.0.0.1; 0.0.0.0 serves the LAN)
  --port N          Port (default 8317; 0 picks a free one)
  --data-dir D      Settings and chats (env HEARTH_DATA_DIR)
  --models-dir M    GGUF models (env HEARTH_MODELS_DIR)
  --threads N       Generation threads (env HEARTH_THREADS)
  --memory-limit S  Most RAM the loaded models may use together, e.g. 8GB (env HEARTH_MEMORY_LIMIT)
  --max-models N    Most models loaded at once (env HEARTH_MAX_MODELS; default: as memory allows)
  --api-port N      Also serve the OpenAI-compatible API (/v1/...) on port N (env HEARTH_API_PORT;
                    off unless given; 0 picks a free one)
  --api-host H      Interface of the API (default 127.0.0.1; anything else serves the network)
  --api-key K       Bearer key API clients must send, at least 8 characters (env HEARTH_API_KEY)
  --api-idle-ttl M  Minutes without API requests before a model the API loaded is unloaded
                    (default 60; 0 = never)
  --api-cors-origin O  A web page origin (http://localhost:3000) allowed to call the API from a
                    browser; repeat it for several (none by default)

hardware options:
  --json            One JSON object {hardware, models} on stdout, for scripts
  --context N       Context to estimate the fits for, in tokens (256 to 1048576; default 8192,
                    capped by each model's trained length)
  --data-dir D      Settings (env HEARTH_DATA_DIR)
  --models-dir M    GGUF models (env HEARTH_MODELS_DIR)
  --memory-limit S  Most RAM a model may plan to use, e.g. 8GB (env HEARTH_MEMORY_LIMIT)

pull options (without a quant it picks the Recommended model for this machine and says why;
Ctrl-C pauses, the same command resumes; env HF_ENDPOINT, HF_TOKEN):
  --quant Q         Quantization to download, e.g. Q4_K_M (same as owner/repo:Q4_K_M)
  --context N       Context the Recommended pick is estimated for, in tokens (default 8192)
  --yes             When nothing fits this machine, download the smallest model without asking
  --data-dir D      Download journal (env HEARTH_DATA_DIR)
  --models-dir M    Where models land, as <owner>/<repo>/<file> (env HEARTH_MODELS_DIR)

rm options:
  --yes             Delete without asking (needed when not run in a terminal)
  --models-dir M    GGUF models (env HEARTH_MODELS_DIR)
  --data-dir D      Settings, where added library folders are kept (env HEARTH_DATA_DIR)

run options (the model by id, file name or owner/repo; without a prompt on a terminal: a chat,
Ctrl-C stops the reply, Ctrl-D or /bye exits; without a terminal the prompt is read from stdin):
  --max-tokens N    Most tokens per reply
  --temperature T   0 (always the likeliest token) to 2
  --context N       Context of the load, in tokens (default: what fits)
  --threads N       Generation threads (env HEARTH_THREADS)
  --data-dir D      Settings (env HEARTH_DATA_DIR)
  --models-dir M    GGUF models (env HEARTH_MODELS_DIR)

bench options (llama-bench's pp and tg tests in an engine process of its own; the fastest thread
count becomes the default for that model, and the machine profile the bandwidth it implies):
  --threads LIST    Thread counts to measure, e.g. 1,2,4 (default 1 to the physical cores)
  --prompt N        Tokens of the prompt-processing test (default 512)
  --gen N           Tokens of the generation test (default 128)
  --repetitions N   Repetitions of each test, the mean is kept (default 2)
  --json            The result as JSON on stdout
  --data-dir D      Where results are kept (env HEARTH_DATA_DIR)
  --models-dir M    GGUF models (env HEARTH_MODELS_DIR)

lab options (files of one model measured one after another in an engine process of their own;
quality against the largest file, as llama-perplexity --kl-divergence computes it):
  --text FILE       The text to score (default: a bundled sample, ~8,500 characters); at least 2 chunks
  --context N       Tokens per chunk (64 to 8192; default 512)
  --chunks N        Use at most N chunks (default all the text holds)
  --base M          The reference file (default the largest, the most precise)
  --logits FILE     Keep the base's log-probabilities in FILE (llama-perplexity's format)
  --json            The run as JSON on stdout (progress on stderr)
  --threads N       Threads (env HEARTH_THREADS)
  --data-dir D      Where results are kept (env HEARTH_DATA_DIR)
  --models-dir M    GGUF models (env HEARTH_MODELS_DIR)

ps options:
  --api-port N      Port of the running server's API (env HEARTH_API_PORT; default 1234)
  --api-host H      Its host (default 127.0.0.1)
  --api-key K       Its key, if it needs one (env HEARTH_API_KEY)
  --json            The server's answer (GET /api/ps) as JSON

${PROVIDER_USAGE}
${ENGINE_USAGE}`;
