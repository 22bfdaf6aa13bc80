// Ref.cpp - flat (non-recursive) deletion of reference-counted objects.
#include "ir/Ref.h"

#include <vector>

namespace weft {

namespace {
thread_local bool tl_deleting = false;
thread_local std::vector<const RefCounted*>* tl_pending = nullptr;
}  // namespace

void RefCounted::destroy(const RefCounted* obj) {
  if (tl_deleting) {
    // A destructor up the stack is running: defer, it will drain the queue.
    tl_pending->push_back(obj);
    return;
  }
  std::vector<const RefCounted*> pending;
  tl_pending = &pending;
  tl_deleting = true;
  delete obj;
  while (!pending.empty()) {
    const RefCounted* next = pending.back();
    pending.pop_back();
    delete next;
  }
  tl_deleting = false;
  tl_pending = nullptr;
}

}  // namespace weft
