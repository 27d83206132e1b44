#!/usr/bin/env bash
# Builds llama.cpp's own `llama-server` from the llama.cpp source that node-llama-cpp bundles
# (node_modules/node-llama-cpp/llama/gitRelease.bundle), CPU only, into a cache outside the repo,
# and prints the binary's path. The benches use it as the reference (`LLAMA_SERVER=<path>`); they
# find it there on their own. Optional: without cmake and a C++ compiler it says so and exits 0
# without printing a path.
#   bash bench/buildLlamaServer.sh          # ~10 min on 2 cores the first time, instant after
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bundle="$root/node_modules/node-llama-cpp/llama/gitRelease.bundle"
tag=$(node -e "console.log(require('$root/node_modules/node-llama-cpp/llama/binariesGithubRelease.json').release)")  # the bundled release (kept by `npx node-llama-cpp source clear`)
cache="${HEARTH_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hearth-bench}/llama.cpp-$tag"
binary="$cache/build/bin/llama-server"
if [ -x "$binary" ]; then echo "$binary"; exit 0; fi
for tool in cmake c++ git; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "llama-server not built: $tool is missing (apt-get install cmake g++ git). The benches skip the reference." >&2
    exit 0
  fi
done
[ -f "$bundle" ] || { echo "No $bundle: run npm install first." >&2; exit 1; }
mkdir -p "$(dirname "$cache")"
if [ ! -d "$cache/.git" ]; then
  rm -rf "$cache"
  git clone -q "$bundle" "$cache" >&2
fi
# Same CPU variant as node-llama-cpp's prebuilt binary: native flags off would be slower, so both use the machine's.
cmake -S "$cache" -B "$cache/build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_BUILD_SERVER=ON \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DGGML_NATIVE=ON >&2
cmake --build "$cache/build" --target llama-server -j "$(nproc)" >&2
echo "$binary"
