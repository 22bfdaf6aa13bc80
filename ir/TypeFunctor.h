// TypeFunctor.h - dispatch on type kind, and the type visitor and mutator built on it.
#pragma once

#include "ir/Error.h"
#include "ir/Type.h"

namespace weft {

template <typename FType>
class TypeFunctor;

// TypeFunctor<R(const Type&, Args...)>: visit(t, args...) calls the visit_ overload for
// t's kind (t must not be null). Kinds a subclass does not handle go to visit_default,
// which reports an internal error. As with ExprFunctor, overriding one visit_ hides the
// others inside the subclass; add `using Base::visit_;` where it calls them directly.
template <typename R, typename... Args>
class TypeFunctor<R(const Type&, Args...)> {
 public:
  virtual ~TypeFunctor() = default;

  virtual R visit(const Type& t, Args... args) {
    WEFT_ASSERT(t, "visiting a null type");
    switch (t->kind) {
#define X(n) \
  case TypeKind::n: return visit_(static_cast<const n##Node*>(t.get()), args...);
      WEFT_FOR_EACH_TYPE(X)
#undef X
    }
    internal_error(__FILE__, __LINE__, "unknown type kind");
  }

 protected:
#define X(n) \
  virtual R visit_(const n##Node* node, Args... args) { return visit_default(node, args...); }
  WEFT_FOR_EACH_TYPE(X)
#undef X

  virtual R visit_default(const TypeNode*, Args...) { internal_error(__FILE__, __LINE__, "no visit_ for this type kind"); }
};

// Walks a type and every type inside it (tuple fields, parameters and result, ADT
// arguments, a Ref's content); null types (an omitted annotation) are skipped. Types are
// trees of modest depth, so the walk recurses. Override visit_ for the kinds of interest
// and call the base to go on into the children; override visit() to cut a walk short.
class TypeVisitor : public TypeFunctor<void(const Type&)> {
 public:
  void visit(const Type& t) override {
    if (t) TypeFunctor::visit(t);
  }

 protected:
  void visit_(const TensorTypeNode*) override {}
  void visit_(const TupleTypeNode* node) override {
    for (const Type& f : node->fields) visit(f);
  }
  void visit_(const FuncTypeNode* node) override {
    for (const Type& p : node->params) visit(p);
    visit(node->ret);
  }
  void visit_(const AdtTypeNode* node) override {
    for (const Type& a : node->args) visit(a);
  }
  void visit_(const RefTypeNode* node) override { visit(node->inner); }
  void visit_(const TypeVarNode*) override {}
  void visit_(const IncompleteTypeNode*) override {}
};

// Rewrites a type bottom-up. A node is rebuilt only when one of its children changed, so
// an untouched type is returned as it is (same_as); null stays null. mutate_dim rewrites
// each dim of a ranked tensor (default: as it is). A function type keeps its type
// parameters: a subclass that substitutes type variables must not capture them.
class TypeMutator : public TypeFunctor<Type(const Type&)> {
 public:
  Type mutate(const Type& t) { return t ? visit(t) : t; }
  virtual Dim mutate_dim(const Dim& d) { return d; }

 protected:
  // Mutates each of `ts`; sets *changed when any came back different.
  std::vector<Type> mutate_all(const std::vector<Type>& ts, bool* changed) {
    std::vector<Type> out;
    out.reserve(ts.size());
    for (const Type& t : ts) {
      out.push_back(mutate(t));
      *changed = *changed || !out.back().same_as(t);
    }
    return out;
  }

  Type visit_(const TensorTypeNode* node) override {
    Shape shape;
    bool changed = false;
    for (const Dim& d : node->shape) {
      shape.push_back(mutate_dim(d));
      changed = changed || !(shape.back() == d);
    }
    if (!changed) return Type(const_cast<TensorTypeNode*>(node));
    return make_ref<TensorTypeNode>(node->dtype, std::move(shape), node->unknown_rank);
  }
  Type visit_(const TupleTypeNode* node) override {
    bool changed = false;
    std::vector<Type> fields = mutate_all(node->fields, &changed);
    return changed ? tuple_type(std::move(fields)) : Type(const_cast<TupleTypeNode*>(node));
  }
  Type visit_(const FuncTypeNode* node) override {
    bool changed = false;
    std::vector<Type> params = mutate_all(node->params, &changed);
    Type ret = mutate(node->ret);
    if (!changed && ret.same_as(node->ret)) return Type(const_cast<FuncTypeNode*>(node));
    return func_type(std::move(params), ret, node->type_params);
  }
  Type visit_(const AdtTypeNode* node) override {
    bool changed = false;
    std::vector<Type> args = mutate_all(node->args, &changed);
    return changed ? adt_type(node->name, std::move(args)) : Type(const_cast<AdtTypeNode*>(node));
  }
  Type visit_(const RefTypeNode* node) override {
    Type inner = mutate(node->inner);
    return inner.same_as(node->inner) ? Type(const_cast<RefTypeNode*>(node)) : ref_type(inner);
  }
  Type visit_(const TypeVarNode* node) override { return Type(const_cast<TypeVarNode*>(node)); }
  Type visit_(const IncompleteTypeNode* node) override { return Type(const_cast<IncompleteTypeNode*>(node)); }
};

}  // namespace weft
