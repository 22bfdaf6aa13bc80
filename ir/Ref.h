// Ref.h - intrusive reference counting whose release never recurses deeply.
#pragma once

#include <atomic>
#include <cstddef>
#include <utility>

namespace weft {

// Base of every shared, immutable IR object and every interpreter value.
// Why not std::shared_ptr: releasing the head of a 100,000-long let-chain (or a
// 1,000,000-element list value) through shared_ptr destroys it recursively and
// overflows the stack. Here a node whose count drops to zero while another
// deletion is in progress is queued instead, so deletion is a flat loop.
class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;
  virtual ~RefCounted() = default;

  void retain() const { count_.fetch_add(1, std::memory_order_relaxed); }
  void release() const {
    if (count_.fetch_sub(1, std::memory_order_acq_rel) == 1) destroy(this);
  }
  int use_count() const { return count_.load(std::memory_order_relaxed); }

 private:
  static void destroy(const RefCounted* obj);
  mutable std::atomic<int> count_{0};
};

// Intrusive smart pointer to a RefCounted subclass.
template <typename T>
class Ref {
 public:
  Ref() = default;
  Ref(std::nullptr_t) {}
  Ref(const T* p) : p_(p) { if (p_) p_->retain(); }
  Ref(const Ref& o) : p_(o.p_) { if (p_) p_->retain(); }
  Ref(Ref&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  template <typename U>
  Ref(const Ref<U>& o) : p_(o.get()) { if (p_) p_->retain(); }
  ~Ref() { if (p_) p_->release(); }
  Ref& operator=(Ref o) noexcept { std::swap(p_, o.p_); return *this; }

  const T* get() const { return p_; }
  const T* operator->() const { return p_; }
  const T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  bool same_as(const Ref& o) const { return p_ == o.p_; }
  bool operator==(const Ref& o) const { return p_ == o.p_; }
  bool operator!=(const Ref& o) const { return p_ != o.p_; }

  // Checked downcast: null when the object is not a U.
  template <typename U>
  Ref<U> as() const { return Ref<U>(dynamic_cast<const U*>(p_)); }

 private:
  const T* p_ = nullptr;
};

template <typename T, typename... Args>
Ref<T> make_ref(Args&&... args) {
  return Ref<T>(new T(std::forward<Args>(args)...));
}

struct RefHash {
  template <typename T>
  size_t operator()(const Ref<T>& r) const { return std::hash<const void*>()(r.get()); }
};

}  // namespace weft
