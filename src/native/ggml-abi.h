/*
 * The few ggml declarations ggmlThreadpool.c needs, as in the llama.cpp release node-llama-cpp
 * 3.22.1 bundles (ggml/include/ggml.h and ggml-cpu.h of tag v0.5.0). Written out here because
 * an installed node-llama-cpp carries its prebuilt binaries, not llama.cpp's headers. The loader
 * (ggmlThreadpool.ts) loads this library only with that node-llama-cpp version and llama.cpp tag.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GGML_MAX_N_THREADS 512

enum ggml_status {
  GGML_STATUS_ALLOC_FAILED = -2,
  GGML_STATUS_FAILED = -1,
  GGML_STATUS_SUCCESS = 0,
  GGML_STATUS_ABORTED = 1,
};

enum ggml_sched_priority {
  GGML_SCHED_PRIO_LOW = -1,
  GGML_SCHED_PRIO_NORMAL,
  GGML_SCHED_PRIO_MEDIUM,
  GGML_SCHED_PRIO_HIGH,
  GGML_SCHED_PRIO_REALTIME
};

struct ggml_cgraph;
struct ggml_threadpool;

struct ggml_threadpool_params {
  bool cpumask[GGML_MAX_N_THREADS];
  int n_threads;
  enum ggml_sched_priority prio;
  uint32_t poll;
  bool strict_cpu;
  bool paused;
};

struct ggml_cplan {
  size_t work_size;
  uint8_t *work_data;
  int n_threads;
  struct ggml_threadpool *threadpool;
  bool (*abort_callback)(void *data);
  void *abort_callback_data;
  bool use_ref;
};
