// DeepStack.cpp - a pthread with a 1 GiB stack, exceptions carried back to the caller.
#include "ir/DeepStack.h"

#include <pthread.h>

#include "ir/Error.h"

namespace weft {

namespace {
thread_local bool tl_on_deep_stack = false;

struct Job {
  const std::function<void()>* work;
  std::exception_ptr error;
};

void* run_job(void* arg) {
  auto* job = static_cast<Job*>(arg);
  tl_on_deep_stack = true;
  try {
    (*job->work)();
  } catch (...) {
    job->error = std::current_exception();
  }
  return nullptr;
}
}  // namespace

void run_with_deep_stack(const std::function<void()>& work) {
  if (tl_on_deep_stack) {
    work();
    return;
  }
  constexpr size_t kStackBytes = size_t(1) << 30;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kStackBytes);
  Job job{&work, nullptr};
  pthread_t thread;
  int rc = pthread_create(&thread, &attr, run_job, &job);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    // Could not reserve the stack (address space limits): run on this one instead.
    work();
    return;
  }
  pthread_join(thread, nullptr);
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace weft
