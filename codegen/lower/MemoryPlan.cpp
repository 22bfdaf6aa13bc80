// MemoryPlan.cpp - live ranges of a function's op results, in the order the generated code runs
// them, and a first-fit placement of the static-shaped ones in one frame.
#include "codegen/lower/MemoryPlan.h"

#include <algorithm>

#include "codegen/lower/Fusion.h"
#include "ir/OpRegistry.h"

namespace weft::lower {

namespace {

// One op call's result, as the generated code computes it: a C++ variable.
struct Producer {
  int pos = 0;            // when it is computed (op calls are numbered in evaluation order)
  bool escapes = false;   // read other than as an op argument: its lifetime is not ours to end
  int last = 0;           // its last read
  const ExprNode* release_key = nullptr;
  struct Use {
    int pos;                    // -1: at the end of `construct`, resolved once that is closed
    const ExprNode* key;        // the statement after which it was read
  };
  std::vector<Use> uses;
};

class Planner {
 public:
  explicit Planner(const std::function<Type(const Expr&)>& type_of) : type_of_(type_of) {}

  MemoryPlan run(const Expr& body) {
    escape(visit(body));
    resolve();
    return place();
  }

 private:
  struct Open {
    const ExprNode* node;
    int start;
  };

  void escape(const ExprNode* p) {
    if (p) producers_[p].escapes = true;
  }

  // Records that `p` is read by the op call `consumer` at `pos`. Read inside a branch of an if
  // or match that started after p was computed, p lives until that construct ends.
  void use(const ExprNode* p, const ExprNode* consumer, int pos) {
    Producer& pr = producers_[p];
    for (const Open& o : open_)  // outermost first
      if (pr.pos <= o.start) {  // computed before the construct began
        pending_[o.node].push_back({p, pr.uses.size()});
        pr.uses.push_back({-1, o.node});
        return;
      }
    pr.uses.push_back({pos, consumer});
  }

  // Visits e in evaluation order; returns the op call whose result e's value is (e is that call,
  // or a variable bound to it), or null. The caller says how the value is read.
  const ExprNode* visit(const Expr& e) {
    switch (e->kind) {
      case ExprKind::Var: {
        auto it = var_producer_.find(e.get());
        return it == var_producer_.end() ? nullptr : it->second;
      }
      case ExprKind::GlobalVar:
      case ExprKind::Constant:
      case ExprKind::Op: return nullptr;
      case ExprKind::Tuple:
        for (const Expr& f : as<TupleNode>(e)->fields) escape(visit(f));
        return nullptr;
      case ExprKind::TupleGet: escape(visit(as<TupleGetNode>(e)->tuple)); return nullptr;
      case ExprKind::Let: {
        Expr cur = e;
        while (auto* let = as<LetNode>(cur)) {  // a loop: let-chains may be thousands long
          var_producer_[let->var.get()] = visit(let->value);
          cur = let->body;
        }
        return visit(cur);
      }
      case ExprKind::If: {
        auto* i = as<IfNode>(e);
        escape(visit(i->cond));
        open_.push_back({e.get(), counter_});
        escape(visit(i->then_branch));
        escape(visit(i->else_branch));
        close(e.get());
        return nullptr;
      }
      case ExprKind::Match: {
        auto* m = as<MatchNode>(e);
        escape(visit(m->scrutinee));
        open_.push_back({e.get(), counter_});
        for (const Clause& c : m->clauses) escape(visit(c.body));
        close(e.get());
        return nullptr;
      }
      case ExprKind::Function:
        // A closure's body runs later, maybe many times: what it reads escapes, and its own op
        // calls are not planned.
        ++in_closure_;
        escape(visit(as<FunctionNode>(e)->body));
        --in_closure_;
        return nullptr;
      case ExprKind::Call: return call(e);
      case ExprKind::Constructor: return nullptr;
      case ExprKind::RefNew: escape(visit(as<RefNewNode>(e)->value)); return nullptr;
      case ExprKind::RefRead: escape(visit(as<RefReadNode>(e)->ref)); return nullptr;
      case ExprKind::RefWrite: {
        auto* w = as<RefWriteNode>(e);
        escape(visit(w->ref));
        escape(visit(w->value));
        return nullptr;
      }
    }
    return nullptr;
  }

  const ExprNode* call(const Expr& e) {
    auto* c = as<CallNode>(e);
    auto* op = as<OpNode>(c->callee);
    // A fused group (a call of a primitive function, Fusion.h) is planned as one operator call.
    const bool fused = primitive_callee(*c) != nullptr;
    if ((!op && !fused) || in_closure_) {
      escape(visit(c->callee));
      for (const Expr& a : c->args) escape(visit(a));
      return nullptr;
    }
    std::vector<const ExprNode*> args;
    for (const Expr& a : c->args) args.push_back(visit(a));
    const int pos = ++counter_;
    // Each call node occurs once in the tree: emit_cpu checks the module is unshared
    // (ir/Sharing.h, established by the to-a-normal-form pass) before planning.
    Producer& self = producers_[e.get()];
    self.pos = pos;
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i]) {
        use(args[i], e.get(), pos);
        // The result may be a view of this argument's buffer (the op's view_of facet: reshape, squeeze, identity, ...).
        if (op && int(i) == op->def->view_of) aliases_.push_back({args[i], e.get()});
      }
    return e.get();
  }

  void close(const ExprNode* node) {
    const int end = ++counter_;
    open_.pop_back();
    for (auto& [p, i] : pending_[node]) producers_[p].uses[i].pos = end;
    pending_.erase(node);
  }

  void resolve() {
    for (auto& [p, pr] : producers_) {
      pr.last = pr.pos;
      pr.release_key = p;
      for (const auto& u : pr.uses)
        if (u.pos > pr.last) pr.last = u.pos, pr.release_key = u.key;
    }
    // A view lives as long as what it views: the consumer's range and escape pass back to the
    // argument, latest consumers first so chains of views resolve in one pass.
    std::sort(aliases_.begin(), aliases_.end(), [&](auto& x, auto& y) { return producers_[x.second].pos > producers_[y.second].pos; });
    for (auto& [arg, view] : aliases_) {
      Producer &a = producers_[arg], &v = producers_[view];
      a.escapes = a.escapes || v.escapes;
      if (v.last > a.last) a.last = v.last, a.release_key = v.release_key;
    }
  }

  MemoryPlan place() {
    MemoryPlan plan;
    struct Item {
      const ExprNode* node;
      int from, to;
      size_t block;
      DType dtype;
    };
    std::vector<Item> items;
    for (auto& [p, pr] : producers_) {
      if (pr.escapes) continue;
      auto* t = as_tensor(type_of_(Expr(const_cast<ExprNode*>(p))));
      if (!t) continue;  // a tuple result is read through projections, which escape
      plan.release_after[pr.release_key].push_back(p);
      if (!t->has_rank()) continue;
      bool fixed = true;
      int64_t n = 1;
      for (const Dim& d : t->shape) {
        fixed = fixed && d.is_static();
        if (fixed) n *= d.value();
      }
      if (!fixed) continue;
      const size_t bytes = size_t(n) * dtype_size(t->dtype);
      items.push_back({p, pr.pos, pr.last, (bytes + 63) / 64 * 64 + 64, t->dtype});  // as Tensor::empty_of rounds
    }
    // Keep release lists in program order, so the generated code reads naturally and is stable.
    for (auto& [key, list] : plan.release_after)
      std::sort(list.begin(), list.end(), [&](auto* a, auto* b) { return producers_[a].pos < producers_[b].pos; });
    // First fit, largest first: each value goes at the lowest offset free of every placed value
    // whose range overlaps its own.
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.block != b.block ? a.block > b.block : a.from < b.from; });
    std::vector<std::pair<const Item*, size_t>> placed;
    for (const Item& it : items) {
      std::vector<std::pair<size_t, size_t>> taken;
      for (auto& [o, off] : placed)
        if (o->from <= it.to && it.from <= o->to) taken.push_back({off, off + o->block});
      std::sort(taken.begin(), taken.end());
      size_t off = 0;
      for (auto& [lo, hi] : taken)
        if (off + it.block <= lo) break;
        else off = std::max(off, hi);
      placed.push_back({&it, off});
      plan.slot_of[it.node] = int(plan.slots.size());
      plan.slots.push_back({off, it.block, it.dtype});
      plan.frame_bytes = std::max(plan.frame_bytes, off + it.block);
      plan.naive_bytes += it.block;
    }
    return plan;
  }

  const std::function<Type(const Expr&)>& type_of_;
  std::map<const ExprNode*, const ExprNode*> var_producer_;
  std::map<const ExprNode*, Producer> producers_;
  std::vector<std::pair<const ExprNode*, const ExprNode*>> aliases_;  // (argument, its possible view)
  std::vector<Open> open_;
  std::map<const ExprNode*, std::vector<std::pair<const ExprNode*, size_t>>> pending_;  // uses resolved when a construct closes
  int counter_ = 0;
  int in_closure_ = 0;
};

}  // namespace

MemoryPlan plan_memory(const Expr& body, const std::function<Type(const Expr&)>& type_of) { return Planner(type_of).run(body); }

}  // namespace weft::lower
