// ExprFunctor.h - dispatch on expression kind, and the visitor and mutator built on it.
#pragma once

#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "ir/Expr.h"

namespace weft {

template <typename FType>
class ExprFunctor;

// ExprFunctor<R(const Expr&, Args...)>: visit(e, args...) calls the visit_ overload for
// e's node kind. Kinds a subclass does not handle go to visit_default, which reports an
// internal error. Overriding one visit_ hides the others inside the subclass; add
// `using Base::visit_;` where the subclass calls them directly.
template <typename R, typename... Args>
class ExprFunctor<R(const Expr&, Args...)> {
 public:
  virtual ~ExprFunctor() = default;

  virtual R visit(const Expr& e, Args... args) {
    WEFT_ASSERT(e, "visiting a null expression");
    switch (e->kind) {
#define X(n) \
  case ExprKind::n: return visit_(static_cast<const n##Node*>(e.get()), args...);
      WEFT_FOR_EACH_EXPR(X)
#undef X
    }
    internal_error(__FILE__, __LINE__, "unknown expression kind");
  }

 protected:
#define X(n) \
  virtual R visit_(const n##Node* node, Args... args) { return visit_default(node, args...); }
  WEFT_FOR_EACH_EXPR(X)
#undef X

  virtual R visit_default(const ExprNode* node, Args...) {
    internal_error(__FILE__, __LINE__, std::string("no visit_ for ") + expr_kind_name(node->kind));
  }
};

// Walks every node reachable from the root once, even when it is shared (a DAG is not
// unfolded into a tree), in evaluation order: override visit_ for the kinds of interest
// and call the base to walk on into the children. Let-chains are walked in a loop, so a
// 100,000-long chain needs no deep stack; the inner lets of a chain therefore do not
// pass through visit() or visit_(const LetNode*), only through visit_let_binding. Other
// nesting recurses: run deep programs under with_deep_stack (ir/DeepStack.h).
class ExprVisitor : public ExprFunctor<void(const Expr&)> {
 public:
  void visit(const Expr& e) override;
  virtual void visit_pattern(const Pattern& p);
  virtual void visit_type(const Type&) {}

 protected:
#define X(n) void visit_(const n##Node* node) override;
  WEFT_FOR_EACH_EXPR(X)
#undef X
  // One `let var = value` of a chain (not its body). Default: visits var, then value.
  virtual void visit_let_binding(const LetNode* let);

 private:
  std::unordered_set<Expr, RefHash> visited_;
};

// Rewrites an expression bottom-up. mutate(e) is memoized, so a shared node is rewritten
// once and the result stays shared; a node is rebuilt only when one of its children
// changed, so untouched subtrees are returned as they are (same_as). Variables are
// rewritten through the same memo wherever they occur (let, fn parameter, match pattern,
// use), so renaming a binder renames its uses. Let-chains are walked in a loop: the
// inner lets of a chain are rebuilt by the default without going through
// visit_(const LetNode*); a subclass that rewrites lets overrides visit_(const LetNode*)
// and recurses itself (mutate_one_let helps). Other nesting recurses, see ExprVisitor.
class ExprMutator : public ExprFunctor<Expr(const Expr&)> {
 public:
  Expr mutate(const Expr& e) { return visit(e); }
  Expr visit(const Expr& e) override;
  // A variable's rewrite, which must again be a variable (it is bound somewhere).
  Var mutate_var(const Var& v);
  Pattern mutate_pattern(const Pattern& p);
  // Types of annotations and return types; the default keeps them.
  virtual Type mutate_type(const Type& t) { return t; }

 protected:
#define X(n) Expr visit_(const n##Node* node) override;
  WEFT_FOR_EACH_EXPR(X)
#undef X
  // Rebuilds one let from mutate(var), mutate(value), mutate(body): the body recurses.
  Expr mutate_one_let(const LetNode* let);

 private:
  std::unordered_map<Expr, Expr, RefHash> memo_;
};

namespace detail {

// The mutator behind rewrite_with: each visit_ goes to the first lambda callable with
// (LambdaRewriter*, const XNode*), or to ExprMutator's default.
template <typename... Fns>
class LambdaRewriter : public ExprMutator {
 public:
  explicit LambdaRewriter(Fns... fns) : fns_(std::move(fns)...) {}

  // The default rewrite of `node`, for a lambda that leaves a node as it is.
  template <typename N>
  Expr mutate_default(const N* node) {
    // When a lambda rewrites lets, inner lets of a chain must reach it too.
    if constexpr (std::is_same_v<N, LetNode> && handles<LetNode>) return mutate_one_let(node);
    else return ExprMutator::visit_(node);
  }

 protected:
#define X(n) \
  Expr visit_(const n##Node* node) override { return dispatch<n##Node>(node); }
  WEFT_FOR_EACH_EXPR(X)
#undef X

 private:
  template <typename N, size_t I>
  static constexpr bool fn_handles = std::is_invocable_r_v<Expr, std::tuple_element_t<I, std::tuple<Fns...>>&, LambdaRewriter*, const N*>;
  template <typename N>
  static constexpr bool handles = (std::is_invocable_r_v<Expr, Fns&, LambdaRewriter*, const N*> || ...);

  template <typename N, size_t I = 0>
  Expr dispatch(const N* node) {
    if constexpr (I == sizeof...(Fns)) return mutate_default(node);
    else if constexpr (fn_handles<N, I>) return std::get<I>(fns_)(this, node);
    else return dispatch<N, I + 1>(node);
  }

  std::tuple<Fns...> fns_;
};

}  // namespace detail

// A one-off rewrite in a few lines, in the style of Halide's mutate_with:
//   rewrite_with(e, [](auto* self, const CallNode* call) -> Expr {
//     if (called_op_name(Expr(call)) != "add") return self->mutate_default(call);
//     return make_op_call("sub", {self->mutate(call->args[0]), self->mutate(call->args[1])});
//   });
// Each lambda takes (auto* self, const XNode* node) and returns the rewritten Expr.
template <typename... Fns>
Expr rewrite_with(const Expr& e, Fns... fns) {
  detail::LambdaRewriter<Fns...> rewriter(std::move(fns)...);
  return rewriter.mutate(e);
}

}  // namespace weft
