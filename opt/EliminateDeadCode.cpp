// EliminateDeadCode.cpp - drops let bindings whose variable is unused and whose value is pure.
//
// Note on the algorithm. Liveness is marked from each function body's result backwards,
// once per node of the DAG: a let-chain is marked body first, then its bindings from the
// last to the first, so a binding is live when a later live part names its variable or its
// value is impure; only a live binding's value is marked (which is how dropping one binding
// frees the ones it alone used, in one walk). A rebuild then leaves out the dead bindings.
// Both walks loop along let-chains; other nesting recurses (deep programs run under
// with_deep_stack). Cost: linear in the DAG, plus the purity analysis (also linear).
#include "opt/EliminateDeadCode.h"

#include <unordered_set>
#include <vector>

#include "ir/DeepStack.h"
#include "ir/ExprFunctor.h"
#include "ir/Sharing.h"
#include "ir/TypeInference.h"
#include "opt/Pass.h"
#include "opt/Purity.h"

namespace weft {

namespace {

class Liveness {
 public:
  void mark(const Expr& root) {
    if (as<VarNode>(root)) {
      used_.insert(as<VarNode>(root));
      return;
    }
    if (is_atomic(root) || !marked_.insert(root.get()).second) return;
    if (!as<LetNode>(root)) {
      for_each_child(root, [&](const Expr& c, int, bool) { mark(c); });
      return;
    }
    std::vector<const LetNode*> chain{as<LetNode>(root)};
    Expr cur = chain.back()->body;
    while (as<LetNode>(cur) && marked_.insert(cur.get()).second) {
      chain.push_back(as<LetNode>(cur));
      cur = chain.back()->body;
    }
    mark(cur);  // returns at once for a let already marked (a shared tail)
    for (size_t i = chain.size(); i-- > 0;) {
      const LetNode* let = chain[i];
      if (used_.count(let->var.get()) || !purity_.pure(let->value)) mark(let->value);
      else dead_.insert(let);
    }
  }

  bool dead(const LetNode* let) const { return dead_.count(let) != 0; }
  bool any_dead() const { return !dead_.empty(); }

 private:
  PurityAnalysis purity_;
  std::unordered_set<const VarNode*> used_;
  std::unordered_set<const ExprNode*> marked_;
  std::unordered_set<const LetNode*> dead_;
};

// The rebuild without the dead bindings; everything else through ExprMutator (memoized).
class DropDeadLets : public ExprMutator {
 public:
  explicit DropDeadLets(const Liveness& live) : live_(live) {}

 protected:
  using ExprMutator::visit_;
  Expr visit_(const LetNode* node) override {
    std::vector<const LetNode*> chain;
    Expr cur(node);
    for (; as<LetNode>(cur) && (chain.empty() || !done_.count(as<LetNode>(cur))); cur = chain.back()->body) chain.push_back(as<LetNode>(cur));
    // Rebuilt inside out; each let of the chain remembers its rebuilt suffix, so a tail that
    // another chain shares is rebuilt once (its binders stay bound once).
    Expr body = as<LetNode>(cur) ? done_.at(as<LetNode>(cur)) : mutate(cur);
    for (size_t i = chain.size(); i-- > 0;) {
      const LetNode* let = chain[i];
      if (!live_.dead(let)) {
        Expr value = mutate(let->value);
        body = value.same_as(let->value) && body.same_as(let->body) ? Expr(let) : Expr(make_let(let->var, value, body, let->span));
      }
      done_.emplace(let, body);
    }
    return body;
  }

 private:
  const Liveness& live_;
  std::unordered_map<const LetNode*, Expr> done_;
};

class EliminateDeadCodePass : public Pass {
 public:
  const char* name() const override { return "eliminate-dead-code"; }
  const char* summary() const override { return "drop let bindings whose variable is unused and whose value is pure (no refs, calls or raising ops)"; }
  Module run(Module m, const PassContext&) const override { return eliminate_dead_code(m); }
};

}  // namespace

Module eliminate_dead_code(const Module& m) {
  return rewrite_function_bodies(m, [](const Function& fn) {
    Liveness live;
    live.mark(fn->body);
    return live.any_dead() ? DropDeadLets(live).mutate(fn->body) : fn->body;
  });
}

const Pass& eliminate_dead_code_pass() {
  static const EliminateDeadCodePass pass;
  return pass;
}

}  // namespace weft
