// FoldConstants.cpp - computes at compile time what only depends on constants, through the registry's reference kernels.
#include "opt/FoldConstants.h"

#include <unordered_map>
#include <vector>

#include "ir/DeepStack.h"
#include "ir/ExprFunctor.h"
#include "ir/OpRegistry.h"
#include "ir/TypeInference.h"
#include "opt/Pass.h"

namespace weft {

namespace {

// Elements of a static tensor type, or -1 when a dim is not static (or it is no tensor).
int64_t static_elements(const Type& t) {
  const TensorTypeNode* tt = as_tensor(t);
  if (!tt || !tt->has_rank()) return -1;
  int64_t n = 1;
  for (const Dim& d : tt->shape) {
    if (!d.is_static()) return -1;
    n *= d.value();
    if (n > kMaxFoldedElements) return n;
  }
  return n;
}

// Elements of a call's result (all outputs), or -1 when not all static.
int64_t result_elements(const Type& t) {
  if (auto* tup = as_tuple(t)) {
    int64_t n = 0;
    for (const Type& f : tup->fields) {
      int64_t k = static_elements(f);
      if (k < 0) return -1;
      n += k;
    }
    return n;
  }
  return static_elements(t);
}

bool all_constant_fields(const Expr& e) {
  auto* tup = as<TupleNode>(e);
  if (!tup) return false;
  for (const Expr& f : tup->fields)
    if (!as<ConstantNode>(f)) return false;
  return true;
}

class Folder : public ExprMutator {
 protected:
  using ExprMutator::visit_;

  Expr visit_(const VarNode* node) override {
    if (auto it = constant_of_.find(node); it != constant_of_.end()) return it->second;
    return ExprMutator::visit_(node);
  }

  Expr visit_(const CallNode* node) override {
    Expr e = ExprMutator::visit_(node);
    auto* call = as<CallNode>(e);
    auto* op = call ? as<OpNode>(call->callee) : nullptr;
    if (!op || !op->def->kernel) return e;
    std::vector<Tensor> inputs;
    std::vector<ArgInfo> infos;
    for (const Expr& a : call->args) {
      auto* c = as<ConstantNode>(a);
      if (!c) return e;
      inputs.push_back(c->value);
    }
    // The result type from the constants themselves (the call's own type may predate its
    // arguments folding: range(0, add(2, 2), 1) was f32[?]), so the size is known first.
    Shape dims;
    for (const Tensor& t : inputs) {
      dims.assign(t.shape().begin(), t.shape().end());
      infos.push_back({tensor_type(t.dtype(), dims), &t});
    }
    Type result;
    try {
      result = op->def->type_relation(infos, call->attrs);
    } catch (const TypeRelationError&) {
      return e;  // these values are rejected (range's zero delta): the run-time call raises
    }
    const int64_t n = result_elements(result);
    if (n < 0 || n > kMaxFoldedElements) return e;
    std::vector<Tensor> outs;
    try {
      outs = op->def->kernel(inputs, call->attrs);
    } catch (const RuntimeError&) {
      return e;  // raised on these values: the run-time call raises it
    } catch (const CompileError&) {
      return e;
    }
    if (!as_tuple(result)) return make_constant(outs.at(0), node->span);
    std::vector<Expr> fields;
    for (const Tensor& t : outs) fields.push_back(make_constant(t, node->span));
    return make_tuple(std::move(fields), node->span);
  }

  Expr visit_(const TupleGetNode* node) override {
    Expr t = mutate(node->tuple);
    if (all_constant_fields(t)) return as<TupleNode>(t)->fields.at(size_t(node->index));
    if (auto* v = as<VarNode>(t))
      if (auto it = tuple_of_.find(v); it != tuple_of_.end()) return as<TupleNode>(it->second)->fields.at(size_t(node->index));
    return t.same_as(node->tuple) ? Expr(node) : Expr(make_tuple_get(t, node->index, node->span));
  }

  Expr visit_(const IfNode* node) override {
    Expr c = mutate(node->cond);
    if (auto* k = as<ConstantNode>(c)) return mutate(k->value.as_int(0) != 0 ? node->then_branch : node->else_branch);
    Expr t = mutate(node->then_branch), f = mutate(node->else_branch);
    if (c.same_as(node->cond) && t.same_as(node->then_branch) && f.same_as(node->else_branch)) return Expr(node);
    return make_if(c, t, f, node->span);
  }

  Expr visit_(const LetNode* node) override {
    // Values in evaluation order (a constant binding must be known before its uses); a
    // dropped binding keeps a null value.
    std::vector<std::pair<const LetNode*, Expr>> chain;
    Expr cur(node);
    for (; as<LetNode>(cur) && (chain.empty() || !done_.count(as<LetNode>(cur))); cur = as<LetNode>(cur)->body) {
      const LetNode* let = as<LetNode>(cur);
      Expr value = mutate(let->value);
      // A variable made after inference (a copy being unrolled) has only its annotation, if any.
      const Type& var_type = let->var->checked_type ? let->var->checked_type : let->var->annotation;
      const TensorTypeNode* vt = as_tensor(var_type);
      if (as<ConstantNode>(value) && (!var_type || (vt && vt->has_rank()))) {
        constant_of_[let->var.get()] = value;  // substituted into every use: the binding goes
        value = Expr();
      } else if (all_constant_fields(value)) {
        tuple_of_[let->var.get()] = value;
      }
      chain.push_back({let, value});
    }
    // Rebuilt inside out; each let remembers its rebuilt suffix, so a tail that another chain
    // shares is rebuilt once.
    Expr body = as<LetNode>(cur) ? done_.at(as<LetNode>(cur)) : mutate(cur);
    for (size_t i = chain.size(); i-- > 0;) {
      auto& [let, value] = chain[i];
      if (value) body = value.same_as(let->value) && body.same_as(let->body) ? Expr(let) : Expr(make_let(let->var, value, body, let->span));
      done_.emplace(let, body);
    }
    return body;
  }

 private:
  std::unordered_map<const VarNode*, Expr> constant_of_;  // let-bound variables whose value folded
  std::unordered_map<const VarNode*, Expr> tuple_of_;     // ... to a tuple of constants
  std::unordered_map<const LetNode*, Expr> done_;         // rebuilt chains, for shared tails
};

class FoldConstantsPass : public Pass {
 public:
  const char* name() const override { return "fold-constants"; }
  const char* summary() const override { return "compute op calls on constants (small results), projections of constant tuples and ifs on constants"; }
  Module run(Module m, const PassContext&) const override { return fold_constants(m); }
};

}  // namespace

Module fold_constants(const Module& m) {
  Folder folder;  // one memo for the module: a node shared by two functions folds once
  return rewrite_function_bodies(m, [&](const Function& fn) { return folder.mutate(fn->body); });
}

Expr fold_constants_in(const Expr& e) {
  Folder folder;
  return with_deep_stack([&] { return folder.mutate(e); });
}

const Pass& fold_constants_pass() {
  static const FoldConstantsPass pass;
  return pass;
}

}  // namespace weft
