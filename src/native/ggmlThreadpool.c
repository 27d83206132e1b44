/*
 * Keeps ggml's CPU compute threads alive between decodes (Linux; loaded by the engine process,
 * see src/main/core/engine/ggmlThreadpool.ts).
 *
 * Built without OpenMP, ggml creates its worker threads for every graph it computes and joins
 * them at the end, unless the caller attached a persistent threadpool (llama.cpp's
 * `llama_attach_threadpool`, which node-llama-cpp does not call). One graph is one decode, so
 * every generated token paid a thread creation and a join. Measured on a 2-core VM at 2 threads:
 * 135M-shaped model, one stream, 162 -> 196 tok/s (README, "Threads and engine speed").
 *
 * How: this library is loaded with RTLD_GLOBAL before node-llama-cpp loads llama.cpp, so its
 * `ggml_graph_compute` is found first when ggml's CPU backend calls that function (through its
 * PLT, as both the prebuilt and the locally built binaries do). When the caller gave no
 * threadpool and wants more than one thread, it hands ggml a threadpool of its own, one per
 * calling thread, made with ggml's own `ggml_threadpool_new`, then calls ggml's function. The
 * pool's threads sleep on a condition variable between graphs (poll 0): no spinning that would
 * take a core from the host or another engine.
 *
 * It is also a Node-API module, so `process.dlopen` accepts it; `status()` reports what it did.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "ggml-abi.h"

/* The Node-API functions used here (Node-API is ABI-stable, so no headers are needed to build). */
typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef struct napi_callback_info__ *napi_callback_info;
typedef int napi_status;
typedef napi_value (*napi_callback)(napi_env env, napi_callback_info info);
extern napi_status napi_create_object(napi_env env, napi_value *result);
extern napi_status napi_create_double(napi_env env, double value, napi_value *result);
extern napi_status napi_set_named_property(napi_env env, napi_value object, const char *name, napi_value value);
extern napi_status napi_create_function(napi_env env, const char *name, size_t length, napi_callback cb, void *data, napi_value *result);

typedef enum ggml_status (*compute_fn)(struct ggml_cgraph *, struct ggml_cplan *);
typedef struct ggml_threadpool *(*pool_new_fn)(struct ggml_threadpool_params *);
typedef void (*pool_free_fn)(struct ggml_threadpool *);
typedef struct ggml_threadpool_params (*params_fn)(int);

/* ggml's functions, from the library that called us (the CPU backend: a variant or the local build). */
struct ggml_fns {
  void *base;
  compute_fn compute;
  pool_new_fn pool_new;
  pool_free_fn pool_free;
  params_fn params;
};

static _Atomic(struct ggml_fns *) known;
static _Atomic(void *) known_caller;
static atomic_long computes;
static atomic_long pooled;
static atomic_long pools_made;
static atomic_int widest;

static __thread struct ggml_threadpool *pool;
static __thread int pool_threads;
static __thread struct ggml_fns *pool_fns;

static struct ggml_fns *fns_of(void *caller) {
  static struct ggml_fns slots[4];
  static atomic_int used;
  /* One call site in practice: the address it returns to settles it without dladdr's lookup. */
  if (caller == atomic_load(&known_caller)) return atomic_load(&known);
  Dl_info info;
  if (!dladdr(caller, &info) || !info.dli_fname) return NULL;
  struct ggml_fns *last = atomic_load(&known);
  if (last && last->base == info.dli_fbase) {
    atomic_store(&known_caller, caller);
    return last;
  }
  void *handle = dlopen(info.dli_fname, RTLD_NOLOAD | RTLD_LAZY);
  if (!handle) return NULL;
  /* dlsym on the handle searches that library, then its dependencies (ggml-base), never this one. */
  struct ggml_fns found = {
    .base = info.dli_fbase,
    .compute = (compute_fn)dlsym(handle, "ggml_graph_compute"),
    .pool_new = (pool_new_fn)dlsym(handle, "ggml_threadpool_new"),
    .pool_free = (pool_free_fn)dlsym(handle, "ggml_threadpool_free"),
    .params = (params_fn)dlsym(handle, "ggml_threadpool_params_default"),
  };
  if (!found.compute) return NULL;
  int count = atomic_load(&used);
  for (int i = 0; i < count && i < 4; i++) {
    if (slots[i].base == found.base) {
      atomic_store(&known, &slots[i]);
      return &slots[i];
    }
  }
  int slot = atomic_fetch_add(&used, 1);
  if (slot >= 4) return NULL;
  slots[slot] = found;
  atomic_store(&known, &slots[slot]);
  atomic_store(&known_caller, caller);
  return &slots[slot];
}

__attribute__((visibility("default"))) enum ggml_status ggml_graph_compute(struct ggml_cgraph *graph, struct ggml_cplan *plan) {
  struct ggml_fns *fns = fns_of(__builtin_return_address(0));
  if (!fns) return GGML_STATUS_FAILED;
  atomic_fetch_add(&computes, 1);
  if (plan->threadpool == NULL && plan->n_threads > 1 && fns->pool_new && fns->pool_free && fns->params) {
    if (!pool || pool_fns != fns || pool_threads < plan->n_threads) {
      /* A pool of another library (one unloaded and loaded again elsewhere) is left alone: its code may be gone. */
      if (pool && pool_fns == fns) fns->pool_free(pool);
      struct ggml_threadpool_params params = fns->params(plan->n_threads);
      params.poll = 0;
      pool = fns->pool_new(&params);
      pool_threads = plan->n_threads;
      pool_fns = fns;
      atomic_fetch_add(&pools_made, 1);
      int wide = atomic_load(&widest);
      while (pool_threads > wide && !atomic_compare_exchange_weak(&widest, &wide, pool_threads)) {}
    }
    plan->threadpool = pool;
    atomic_fetch_add(&pooled, 1);
    enum ggml_status status = fns->compute(graph, plan);
    plan->threadpool = NULL;
    return status;
  }
  return fns->compute(graph, plan);
}

static napi_value number(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

/* status(): { computes, pooled, pools, widest } since the process started. */
static napi_value status(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "computes", number(env, (double)atomic_load(&computes)));
  napi_set_named_property(env, result, "pooled", number(env, (double)atomic_load(&pooled)));
  napi_set_named_property(env, result, "pools", number(env, (double)atomic_load(&pools_made)));
  napi_set_named_property(env, result, "widest", number(env, (double)atomic_load(&widest)));
  return result;
}

/* What NAPI_MODULE_INIT declares: the Node-API version this module needs (8), and its init. */
__attribute__((visibility("default"))) int32_t node_api_module_get_api_version_v1(void) {
  return 8;
}

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "status", (size_t)-1, status, NULL, &fn);
  napi_set_named_property(env, exports, "status", fn);
  return exports;
}
