// ThreadPool.h - the per-model thread pool and parallel_for, reached by kernels through the run's context.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace weft_rt {

// Note on threading. A model handle owns one pool, made at create() with num_threads - 1
// workers (the thread calling run() is the last one) and joined when the handle is
// destroyed; no thread is created per run. A run publishes its handle's pool in a
// thread_local (PoolScope, set in run_desc), so kernels call parallel_for without any
// signature carrying it. One job runs on a pool at a time: a parallel_for that finds the
// pool busy (a concurrent run on the same handle, or a parallel_for nested inside another)
// runs its whole range inline on the calling thread. So concurrent runs stay correct and
// never wait on each other; they only share the workers first come, first served.
// Between jobs a worker spins briefly (about the gap between two kernels of a small model,
// where a sleep and a wake would cost more than the kernel saves), then sleeps on a condition
// variable (the machine may be shared). Chunks are claimed one at a time from a counter, and
// a worker takes part in a job only if it joins before the chunks run out: the caller, once
// every chunk is claimed, closes the job and waits only for the workers that joined it. So a
// worker that is asleep, or not scheduled (on a machine shared with other work), never delays
// the caller by its wake-up latency: the caller runs the chunks itself meanwhile.
class ThreadPool {
 public:
  explicit ThreadPool(int threads) {
    workers_.reserve(size_t(std::max(0, threads - 1)));
    try {
      for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { work_loop(); });
    } catch (...) {
      stop();
      throw;
    }
  }
  ~ThreadPool() { stop(); }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Threads that take part in a job, the caller included.
  int size() const { return int(workers_.size()) + 1; }

  // Runs fn(chunk) for every chunk in [0, chunks) on the workers and the caller; returns when
  // all are done, rethrowing the first exception a chunk threw. Returns false (running
  // nothing) when the pool is busy with another job.
  template <typename F>
  bool try_run(int64_t chunks, F& fn) {
    if (busy_.exchange(true, std::memory_order_acquire)) return false;
    struct Release {
      std::atomic<bool>& busy;
      ~Release() { busy.store(false, std::memory_order_release); }
    } release{busy_};
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = [](void* f, int64_t chunk) { (*static_cast<F*>(f))(chunk); };
      ctx_ = &fn;
      chunks_ = chunks;
      next_.store(0, std::memory_order_relaxed);
      error_ = nullptr;
      closed_ = false;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    run_chunks();
    // Every chunk is claimed: no worker may join any more; wait for those that did.
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    spin_until([&] { return joined_.load(std::memory_order_acquire) == 0; });
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&] { return joined_.load(std::memory_order_acquire) == 0; });
    if (error_) std::rethrow_exception(error_);
    return true;
  }

 private:
  void run_chunks() {
    for (int64_t c; (c = next_.fetch_add(1, std::memory_order_relaxed)) < chunks_;) {
      try {
        job_(ctx_, c);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu_);
        if (!error_) error_ = std::current_exception();
      }
    }
  }
  // Polls `ready` for about 30 us before the caller falls back to a blocking wait.
  template <typename Ready>
  static void spin_until(Ready&& ready) {
    for (int i = 0; i < kSpins && !ready(); ++i) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }
  void work_loop() {
    uint64_t seen = 0;
    for (;;) {
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [&] { return stopping_ || generation_.load(std::memory_order_acquire) != seen; });
        if (stopping_) return;
        seen = generation_.load(std::memory_order_acquire);
        if (closed_) continue;  // woke after the caller ran out of chunks: nothing to join
        joined_.fetch_add(1, std::memory_order_relaxed);
      }
      run_chunks();
      // The decrement is outside the lock; taking the lock before notifying means the caller is
      // either still before its check (and sees 0) or already waiting (and gets the notify).
      if (joined_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mu_);
        done_.notify_one();
      }
    }
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_)
      if (t.joinable()) t.join();
  }

  std::vector<std::thread> workers_;
  std::atomic<bool> busy_{false};
  std::mutex mu_;
  std::condition_variable wake_, done_;
  static constexpr int kSpins = 2000;  // pause instructions, tens of cycles each
  bool stopping_ = false;
  std::atomic<uint64_t> generation_{0};
  bool closed_ = true;          // the current job's chunks are all claimed: workers no longer join
  std::atomic<int> joined_{0};  // workers that joined the current job and are still in it
  void (*job_)(void*, int64_t) = nullptr;
  void* ctx_ = nullptr;
  int64_t chunks_ = 0;
  std::atomic<int64_t> next_{0};
  std::exception_ptr error_;
};

// The threads a handle's pool gets for weft_options.num_threads: 0 means the machine's
// cores, capped at 16 (past that, kernels this size gain little and a shared machine loses).
inline int pool_threads(int requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return int(std::clamp(hw, 1u, 16u));
}

// The pool of the run executing on this thread (nullptr outside a run, and on the workers).
inline ThreadPool*& current_pool() {
  thread_local ThreadPool* pool = nullptr;
  return pool;
}

// Publishes a pool to the kernels this thread runs until the scope ends.
class PoolScope {
 public:
  explicit PoolScope(ThreadPool* pool) : prev_(current_pool()) { current_pool() = pool; }
  ~PoolScope() { current_pool() = prev_; }
  PoolScope(const PoolScope&) = delete;
  PoolScope& operator=(const PoolScope&) = delete;

 private:
  ThreadPool* prev_;
};

// Threads a parallel_for may use now: the run's pool size, else 1.
inline int parallel_threads() {
  const ThreadPool* pool = current_pool();
  return pool ? pool->size() : 1;
}

// Calls fn(begin, end) over [0, n) cut into chunks of at least `grain` items, up to four per
// thread (so that a thread that starts late, or is preempted, leaves its share to the others
// instead of holding up the job), on the run's pool; inline (one call over the whole range)
// when there is no pool, the range is one chunk, or the pool is busy.
template <typename F>
void parallel_for(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  constexpr int64_t kChunksPerThread = 4;
  ThreadPool* pool = current_pool();
  const int64_t chunks = pool ? std::min<int64_t>(kChunksPerThread * pool->size(), n / std::max<int64_t>(grain, 1)) : 1;
  if (chunks > 1) {
    auto body = [&](int64_t c) { fn(c * n / chunks, (c + 1) * n / chunks); };
    if (pool->try_run(chunks, body)) return;
  }
  fn(int64_t(0), n);
}

}  // namespace weft_rt
