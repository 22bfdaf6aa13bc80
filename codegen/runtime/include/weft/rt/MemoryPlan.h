// MemoryPlan.h - the compile-time memory plan at run time: each activation of a generated function
// takes one frame from the run's workspace, and its intermediates of static shape live at offsets in
// it that the code generator chose from their live ranges (values whose lives do not overlap share
// bytes), so such a function allocates one block however many intermediates it computes.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "weft/rt/Workspace.h"
#include "weft/weft.h"

namespace weft_rt {

// One planned intermediate: where it lives in the frame, and the block Tensor::empty_of asks for
// (its bytes rounded up as empty_of does), with its dtype, so only the op's own output claims it.
struct PlanSlot {
  size_t offset;
  size_t block;
  DLDataType dtype;
};

// The frame's memory and which slots hold a live buffer. Shared by the frame and by every buffer
// placed in it, so memory an output still references (through a view) outlives the activation.
struct PlanMemory {
  std::shared_ptr<Workspace> owner;
  void* base = nullptr;
  size_t total = 0;
  const PlanSlot* slots = nullptr;
  std::mutex mu;            // a buffer may be released from another thread (an output's view)
  std::vector<int> held;    // the slots holding a live buffer: the live set, a handful
  ~PlanMemory() {
    if (base) owner->give(base, total);
  }
  // Slot k's bytes when no live buffer overlaps them, else nullptr: a slot still held (by a view
  // of it that lives on, say) makes the plan step aside and the value goes to the pool.
  void* take(int k) {
    const PlanSlot& s = slots[k];
    std::lock_guard<std::mutex> lock(mu);
    for (int j : held)
      if (slots[j].offset < s.offset + s.block && s.offset < slots[j].offset + slots[j].block) return nullptr;
    held.push_back(k);
    return static_cast<char*>(base) + s.offset;
  }
  void release(int k) noexcept {
    std::lock_guard<std::mutex> lock(mu);
    for (size_t i = 0; i < held.size(); ++i)
      if (held[i] == k) {
        held[i] = held.back();
        held.pop_back();
        return;
      }
  }
};

// The slot the op being run may place its output in (set by PlanFrame::into on this thread).
struct PendingSlot {
  const std::shared_ptr<PlanMemory>* memory = nullptr;  // the frame's, alive while the op runs
  int slot = -1;
  bool claimed = false;
  bool refused = false;  // the op's output asked for the slot while its bytes were still held
  static PendingSlot*& current() {
    thread_local PendingSlot* p = nullptr;
    return p;
  }
  // The slot's bytes when `block` and `dtype` are what it was planned for and it is free;
  // else nullptr (the caller allocates from the pool). Taken at most once.
  void* claim(size_t block, DLDataType dtype) {
    if (claimed || !memory) return nullptr;
    const PlanSlot& s = (*memory)->slots[slot];
    if (s.block != block || s.dtype.code != dtype.code || s.dtype.bits != dtype.bits || s.dtype.lanes != dtype.lanes) return nullptr;
    void* p = (*memory)->take(slot);
    claimed = p != nullptr;
    refused = p == nullptr;
    return p;
  }
};

// One activation's frame. `slots` and `total` are the function's plan (static data).
class PlanFrame {
 public:
  PlanFrame(const PlanSlot* slots, int num_slots, size_t total) {
    Workspace* ws = Workspace::current();
    if (!ws) return;  // outside a run: no plan, every buffer from the system
    memory_ = std::make_shared<PlanMemory>();
    memory_->owner = ws->shared_from_this();
    memory_->total = total;
    memory_->slots = slots;
    memory_->held.reserve(size_t(num_slots));  // never grows while ops run
    memory_->base = ws->take(total);
    if (!memory_->base) throw std::bad_alloc();
  }
  PlanFrame(const PlanFrame&) = delete;
  PlanFrame& operator=(const PlanFrame&) = delete;

  class Offer;
  // Offers `slot` to the output allocation of the kernel call that follows, as one plain call the
  // generated code prints per planned op (no lambda, no template instance per call site):
  //   weft_rt::Tensor x = weft_plan.offer(3).take(weft_rt::conv<float>(...));
  // C++17 evaluates the object expression (the offer) before the argument (the kernel call), and
  // the offer lives to the end of the full expression.
  Offer offer(int slot);

  // The same for a callable `op` (tests, hand-written code).
  template <typename Op>
  auto into(int slot, Op&& op);

 private:
  std::shared_ptr<PlanMemory> memory_;
};

// A slot offered for the duration of one kernel call (PlanFrame::offer); take() counts whether the
// output landed in it. Neither copied nor moved: PendingSlot::current() points into it.
class PlanFrame::Offer {
 public:
  Offer(const std::shared_ptr<PlanMemory>& memory, int slot) : pending_{memory ? &memory : nullptr, slot} {
    if (!pending_.memory) return;
    prev_ = PendingSlot::current();
    PendingSlot::current() = &pending_;
  }
  ~Offer() {
    if (pending_.memory) PendingSlot::current() = prev_;
  }
  Offer(const Offer&) = delete;
  Offer& operator=(const Offer&) = delete;

  // The kernel's result (a Tensor; a template only because Tensor.h includes this header).
  template <typename R>
  R take(R result) {
    if (!pending_.memory) return result;
    PendingSlot::current() = prev_;
    const PlanMemory& m = **pending_.memory;
    const void* at = static_cast<char*>(m.base) + m.slots[pending_.slot].offset;
    // An op that returns a view of its argument allocates nothing: neither placed nor missed.
    if (pending_.claimed && result.template data<void>() == at) m.owner->count_plan(true);
    else if (pending_.refused) m.owner->count_plan(false);
    pending_.memory = nullptr;
    return result;
  }

 private:
  PendingSlot pending_;
  PendingSlot* prev_ = nullptr;
};

inline PlanFrame::Offer PlanFrame::offer(int slot) { return Offer(memory_, slot); }

template <typename Op>
auto PlanFrame::into(int slot, Op&& op) {
  return offer(slot).take(op());
}

}  // namespace weft_rt
