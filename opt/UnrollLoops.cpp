// UnrollLoops.cpp - copies a loop's body per iteration while constant folding decides its control.
#include "opt/UnrollLoops.h"

#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/ExprFunctor.h"
#include "ir/Sharing.h"
#include "ir/TypeInference.h"
#include "opt/FoldConstants.h"
#include "opt/InlineCall.h"
#include "opt/Pass.h"

namespace weft {

namespace {

// What an unrolled copy holds of the loop function `name`.
struct LoopCalls {
  int calls = 0;                   // calls of @name
  bool conditional = false;        // one of them is inside an if branch, a match clause or a closure
  bool as_value = false;           // @name is used other than called
  const CallNode* call = nullptr;  // the last call found
  int nodes = 0;                   // non-atomic nodes, counted up to kUnrollMaxNodes + 1
};

class CallFinder {
 public:
  explicit CallFinder(const std::string& name) : name_(name) {}

  LoopCalls find(const Expr& e) {
    walk(e, false);
    return found_;
  }

 private:
  // Let chains are followed in a loop: an unrolled loop is one long chain.
  void walk(Expr e, bool conditional) {
    while (true) {
      if (!seen_.insert({e.get(), conditional}).second) return;
      if (is_atomic(e)) {
        if (auto* g = as<GlobalVarNode>(e); g && g->name == name_) found_.as_value = true;
        return;
      }
      if (found_.nodes++ > kUnrollMaxNodes) return;
      auto* let = as<LetNode>(e);
      if (!let) break;
      walk(let->value, conditional);
      e = let->body;
    }
    switch (e->kind) {
      case ExprKind::Call: {
        auto* call = as<CallNode>(e);
        auto* g = as<GlobalVarNode>(call->callee);
        if (g && g->name == name_) {
          ++found_.calls;
          found_.conditional |= conditional;
          found_.call = call;
        } else if (!as<OpNode>(call->callee)) {
          walk(call->callee, conditional);
        }
        for (const Expr& a : call->args) walk(a, conditional);
        return;
      }
      case ExprKind::If: {
        auto* node = as<IfNode>(e);
        walk(node->cond, conditional);
        walk(node->then_branch, true);
        walk(node->else_branch, true);
        return;
      }
      case ExprKind::Match:
        walk(as<MatchNode>(e)->scrutinee, conditional);
        for (const auto& clause : as<MatchNode>(e)->clauses) walk(clause.body, true);
        return;
      case ExprKind::Function: walk(as<FunctionNode>(e)->body, true); return;
      case ExprKind::Tuple:
        for (const Expr& f : as<TupleNode>(e)->fields) walk(f, conditional);
        return;
      case ExprKind::TupleGet: walk(as<TupleGetNode>(e)->tuple, conditional); return;
      case ExprKind::RefNew: walk(as<RefNewNode>(e)->value, conditional); return;
      case ExprKind::RefRead: walk(as<RefReadNode>(e)->ref, conditional); return;
      case ExprKind::RefWrite:
        walk(as<RefWriteNode>(e)->ref, conditional);
        walk(as<RefWriteNode>(e)->value, conditional);
        return;
      default: return;
    }
  }

  struct PairHash {
    size_t operator()(const std::pair<const ExprNode*, bool>& p) const { return std::hash<const void*>()(p.first) * 2 + p.second; }
  };
  const std::string& name_;
  LoopCalls found_;
  std::unordered_set<std::pair<const ExprNode*, bool>, PairHash> seen_;
};

// Functions whose body calls themselves, by name.
std::set<std::string> self_recursive(const Module& m) {
  std::set<std::string> out;
  for (const std::string& name : m.function_names()) {
    Function fn = m.function(name);
    if (!fn->type_params.empty() || fn->attrs.has(kFunctionAttrPrimitive)) continue;
    const LoopCalls c = CallFinder(name).find(fn->body);
    if (c.calls > 0 && !c.as_value) out.insert(name);
  }
  return out;
}

bool has_constant_arg(const std::vector<Expr>& args) {
  for (const Expr& a : args)
    if (as<ConstantNode>(a)) return true;
  return false;
}

class Unroller {
 public:
  explicit Unroller(const Module& m) : m_(m), loops_(self_recursive(m)) {}

  Module run() {
    if (loops_.empty()) return m_;
    std::unordered_map<const FunctionNode*, std::string> names;
    for (const std::string& name : m_.function_names()) names[m_.function(name).get()] = name;
    Module out = rewrite_function_bodies(m_, [&](const Function& fn) {
      const std::string& here = names.at(fn.get());
      return rewrite_with(fn->body, [&](auto* self, const CallNode* call) -> Expr {
        auto* g = as<GlobalVarNode>(call->callee);
        if (!g || !loops_.count(g->name) || g->name == here) return self->mutate_default(call);
        std::vector<Expr> args;
        for (const Expr& a : call->args) args.push_back(self->mutate(a));
        if (!has_constant_arg(args)) return self->mutate_default(call);
        Expr unrolled = unroll(g->name, args, call->span);
        if (!unrolled) return self->mutate_default(call);
        unrolled_.insert(g->name);
        return self->mutate(unrolled);  // loops called inside the body, with what is now known
      });
    });
    // A loop unrolled wherever it was called is gone (its own recursive call does not count).
    std::set<std::string> drop = unrolled_;
    for (const std::string& name : out.function_names())
      for (const auto& [callee, n] : global_references(out.function(name)->body))
        if (callee != name) drop.erase(callee);
    if (drop.empty()) return out;
    Module kept = without_functions(out, drop);
    infer_types(kept);
    return kept;
  }

 private:
  // The straight-line code of @name(args), or null when its control does not fold.
  Expr unroll(const std::string& name, const std::vector<Expr>& args, const Span& span) const {
    const FunctionNode* f = m_.function(name).get();
    Expr code = fold_constants_in(inline_call(f, f->body, args, span));
    for (int trip = 1;; ++trip) {
      const LoopCalls c = CallFinder(name).find(code);
      if (c.as_value || c.conditional || c.calls > 1 || c.nodes > kUnrollMaxNodes) return nullptr;
      if (c.calls == 0) return code;
      if (trip >= kUnrollMaxTrips) return nullptr;
      Expr next = inline_call(f, f->body, c.call->args, c.call->span);
      code = fold_constants_in(rewrite_with(code, [&](auto* self, const CallNode* call) -> Expr {
        return call == c.call ? next : self->mutate_default(call);
      }));
    }
  }

  const Module& m_;
  std::set<std::string> loops_;
  std::set<std::string> unrolled_;
};

class UnrollLoopsPass : public Pass {
 public:
  const char* name() const override { return "unroll-loops"; }
  const char* summary() const override { return "replace a loop whose control folds at compile time (a known trip count) by straight-line code"; }
  Module run(Module m, const PassContext&) const override { return unroll_loops(m); }
};

}  // namespace

Module unroll_loops(const Module& m) { return Unroller(m).run(); }

const Pass& unroll_loops_pass() {
  static const UnrollLoopsPass pass;
  return pass;
}

}  // namespace weft
