// Workspace.h - where a run's tensor buffers come from: the compile-time memory plan's frames for
// intermediates of static shape, and a per-run pool (a buffer freed during a run is reused by the
// next allocation of the same size, so a loop does not go to malloc each iteration) for the rest.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace weft_rt {

// Shapes are only known when a run computes them, so buffers are pooled by size rather than
// planned ahead. One workspace per run: runs on one handle never share one, so concurrent
// runs do not contend; the lock is for buffers an output carries out of the run and the caller
// releases later, from any thread. A buffer holds its workspace alive; close() at the end of
// the run frees what is cached, and buffers released after that go straight back to the system.
class Workspace : public std::enable_shared_from_this<Workspace> {
 public:
  struct Stats {
    size_t fresh = 0;        // buffers taken from the system
    size_t reused = 0;       // buffers served from the pool
    size_t planned = 0;      // intermediates placed in their slot of the memory plan
    size_t plan_missed = 0;  // planned intermediates that could not take their slot (it was still in use)
  };

  ~Workspace() { close(); }

  // A 64-byte aligned block of `bytes` (a multiple of 64); nullptr when memory is exhausted.
  void* take(size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = free_.find(bytes);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        ++stats_.reused;
        return p;
      }
      ++stats_.fresh;
    }
    return std::aligned_alloc(64, bytes);
  }

  void give(void* p, size_t bytes) noexcept {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (open_) {
        try {
          free_[bytes].push_back(p);
          return;
        } catch (...) {  // no room to cache it: free it instead
        }
      }
    }
    std::free(p);
  }

  // Frees every cached block; later releases free directly.
  void close() noexcept {
    std::map<size_t, std::vector<void*>> cached;
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = false;
      cached.swap(free_);
    }
    for (auto& [bytes, blocks] : cached)
      for (void* p : blocks) std::free(p);
  }

  Stats stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }
  void count_plan(bool placed) {
    std::lock_guard<std::mutex> lock(mu_);
    ++(placed ? stats_.planned : stats_.plan_missed);
  }

  // The workspace of the run on this thread, or null (outside a run: plain allocation).
  static Workspace*& current() {
    thread_local Workspace* w = nullptr;
    return w;
  }

 private:
  mutable std::mutex mu_;
  bool open_ = true;
  std::map<size_t, std::vector<void*>> free_;
  Stats stats_;
};

// Makes `ws` the calling thread's workspace for the scope's lifetime, then closes it.
class WorkspaceScope {
 public:
  explicit WorkspaceScope(std::shared_ptr<Workspace> ws) : ws_(std::move(ws)), prev_(Workspace::current()) {
    Workspace::current() = ws_.get();
  }
  ~WorkspaceScope() {
    Workspace::current() = prev_;
    ws_->close();
  }
  WorkspaceScope(const WorkspaceScope&) = delete;
  WorkspaceScope& operator=(const WorkspaceScope&) = delete;

 private:
  std::shared_ptr<Workspace> ws_;
  Workspace* prev_;
};

}  // namespace weft_rt
