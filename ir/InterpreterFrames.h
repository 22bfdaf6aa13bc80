// InterpreterFrames.h - the interpreter's frame layouts: a slot per local variable, a list of captures per function.
#pragma once

#include <climits>
#include <cstdint>
#include <memory>
#include <vector>

#include "ir/Expr.h"

namespace weft::interp {

// Open-addressing hash map keyed by non-null pointers. The interpreter looks up a
// variable's slot on every variable reference; this is one multiply and usually one
// cache line, where std::unordered_map chases a node pointer.
template <typename K, typename V>
class PtrMap {
 public:
  PtrMap() : keys_(16, nullptr), vals_(16) {}

  V* find(const K* k) {
    for (size_t i = index(k);; i = (i + 1) & mask()) {
      if (keys_[i] == k) return &vals_[i];
      if (!keys_[i]) return nullptr;
    }
  }
  const V* find(const K* k) const { return const_cast<PtrMap*>(this)->find(k); }

  // Inserts a default V when absent.
  V& operator[](const K* k) {
    if ((size_ + 1) * 4 > keys_.size() * 3) grow();
    size_t i = index(k);
    for (; keys_[i]; i = (i + 1) & mask())
      if (keys_[i] == k) return vals_[i];
    keys_[i] = k;
    ++size_;
    return vals_[i];
  }
  size_t size() const { return size_; }

 private:
  size_t mask() const { return keys_.size() - 1; }
  size_t index(const K* k) const {
    return size_t((uint64_t(reinterpret_cast<uintptr_t>(k)) * 0x9E3779B97F4A7C15ull) >> 32) & mask();
  }
  void grow() {
    std::vector<const K*> old_keys(keys_.size() * 2, nullptr);
    std::vector<V> old_vals(keys_.size() * 2);
    old_keys.swap(keys_);
    old_vals.swap(vals_);
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i)
      if (old_keys[i]) (*this)[old_keys[i]] = std::move(old_vals[i]);
  }
  std::vector<const K*> keys_;
  std::vector<V> vals_;
  size_t size_ = 0;
};

// Where a function keeps its variables during a call. A frame is a contiguous run of the
// interpreter's value stack: [closure, param 0, ..., param n-1, other locals...]. A
// variable is either local (slot >= 0: stack[base + 1 + slot]) or captured
// (slot = -1 - i: the closure's env[i]).
struct FrameLayout {
  Function fn;                   // keeps the node (and the map's keys) alive
  int num_slots = 0;             // params first, then let and pattern variables
  std::vector<Var> captures;     // free variables, in order of first use
  PtrMap<VarNode, int32_t> slot;  // every variable the body mentions or binds

  static constexpr int32_t kAbsent = INT32_MIN;
  int32_t slot_of(const VarNode* v) const {
    const int32_t* s = slot.find(v);
    return s ? *s : kAbsent;
  }
};

// Layouts computed on first use and cached per FunctionNode. A nested function's layout
// is computed with its parent's, since the parent must provide the nested one's captures.
class FrameLayouts {
 public:
  const FrameLayout& of(const FunctionNode* fn);

 private:
  PtrMap<FunctionNode, std::unique_ptr<FrameLayout>> cache_;
};

}  // namespace weft::interp
