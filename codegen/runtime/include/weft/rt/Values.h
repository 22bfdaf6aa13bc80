// Values.h - run-time values beyond tensors: ADT values, closures and reference cells (shared, counted, freed flat).
#pragma once

#include <atomic>
#include <cstdint>
#include <tuple>
#include <utility>

#include "weft/rt/Tensor.h"

namespace weft_rt {

// The heap part of an ADT value, closure or cell: an intrusive atomic count, so values
// are shared across threads by copying a pointer. Freeing an object drops its fields;
// objects freed that way are queued (through `next_`, no allocation) and freed by the
// outermost release in a flat loop, so dropping a 1,000,000-element list, or a closure
// holding one, never recurses deeply.
class Object {
 public:
  Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  virtual ~Object() = default;

  void retain() const noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  static void release(const Object* o) noexcept {
    if (!o || o->refs_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    struct Queue {
      const Object* head = nullptr;
      bool draining = false;
    };
    thread_local Queue q;
    o->next_ = q.head;
    q.head = o;
    if (q.draining) return;  // an outer release frees it
    q.draining = true;
    while (const Object* n = q.head) {
      q.head = n->next_;
      delete n;  // may queue more
    }
    q.draining = false;
  }

 private:
  mutable std::atomic<intptr_t> refs_{1};
  mutable const Object* next_ = nullptr;
};

// An owning pointer to an Object (or a subclass): copies share, the last one frees.
template <typename T>
class Rc {
 public:
  Rc() = default;
  explicit Rc(T* adopt) noexcept : p_(adopt) {}  // takes over the count a new object starts with
  Rc(const Rc& o) noexcept : p_(o.p_) {
    if (p_) p_->retain();
  }
  Rc(Rc&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Rc& operator=(Rc o) noexcept {  // by value: safe when `o` lives inside what *this frees
    std::swap(p_, o.p_);
    return *this;
  }
  ~Rc() { Object::release(p_); }
  T* get() const noexcept { return p_; }
  T* operator->() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }

 private:
  T* p_ = nullptr;
};

template <typename... F>
struct AdtFields final : Object {
  explicit AdtFields(F... v) : f(std::move(v)...) {}
  std::tuple<F...> f;
};

// A value of an algebraic data type: the constructor's tag and its fields, immutable.
// The IR is type-checked, so the generated code always reads fields with the types it
// built them with; a constructor without fields (Nil, None) allocates nothing.
class Adt {
 public:
  Adt() = default;
  template <typename... F>
  static Adt make(int tag, F... fields) {
    Adt a;
    a.tag_ = tag;
    if constexpr (sizeof...(F) > 0) a.fields_ = Rc<Object>(new AdtFields<F...>(std::move(fields)...));
    return a;
  }
  int tag() const { return tag_; }
  template <typename... F>
  const std::tuple<F...>& fields() const {
    return static_cast<const AdtFields<F...>*>(fields_.get())->f;
  }

 private:
  int tag_ = -1;
  Rc<Object> fields_;
};

// A closure: a function value of signature R(A...). Generated code makes one from a
// lambda taking the closure itself first (`self`), so a local function can call itself
// without capturing itself (no reference cycle).
template <typename Sig>
class Fn;
template <typename R, typename... A>
class Fn<R(A...)> {
  struct Impl : Object {
    virtual R call(const Fn& self, A... a) const = 0;
  };
  template <typename L>
  struct Of final : Impl {
    explicit Of(L fn) : l(std::move(fn)) {}
    R call(const Fn& self, A... a) const override { return l(self, std::move(a)...); }
    L l;
  };

 public:
  Fn() = default;
  template <typename L>
  static Fn make(L l) {
    Fn f;
    f.impl_ = Rc<Impl>(new Of<L>(std::move(l)));
    return f;
  }
  R operator()(A... a) const {
    if (!impl_) throw Error("call of an uninitialized function value");
    return impl_->call(*this, std::move(a)...);
  }

 private:
  Rc<Impl> impl_;
};

// A mutable cell (ref_new / ref_read / ref_write). Made during a run and used by it; a
// cell shared between threads would need outside synchronization (it never is: a run's
// cells are its own). A cell holding a closure that captures the cell is a cycle and leaks.
template <typename T>
class Cell {
  struct Box final : Object {
    explicit Box(T x) : v(std::move(x)) {}
    mutable T v;
  };

 public:
  Cell() = default;
  static Cell make(T v) {
    Cell c;
    c.box_ = Rc<Box>(new Box(std::move(v)));
    return c;
  }
  T get() const { return box_->v; }
  std::tuple<> set(T v) const {
    box_->v = std::move(v);
    return {};
  }

 private:
  Rc<Box> box_;
};

// A match with no clause for its value (the IR's run-time error).
[[noreturn]] inline void no_match(const char* where) { throw Error(std::string("no clause of the match at ") + where + " matches"); }

}  // namespace weft_rt
