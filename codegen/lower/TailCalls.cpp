// TailCalls.cpp - finds the self tail calls of a function instance and of the let-bound closures in it.
#include "codegen/lower/TailCalls.h"

#include <map>

#include "ir/ExprFunctor.h"

namespace weft::lower {

namespace {

// Walks the tail positions of `body` (lets in a loop: chains may be thousands long) and
// records the calls `is_self` accepts as self tail calls of `owner`.
void walk_tail(Expr e, const ExprNode* owner, const std::function<bool(const CallNode&)>& is_self, TailCalls& out) {
  while (auto* let = as<LetNode>(e)) e = let->body;
  if (auto* i = as<IfNode>(e)) {
    walk_tail(i->then_branch, owner, is_self, out);
    walk_tail(i->else_branch, owner, is_self, out);
  } else if (auto* m = as<MatchNode>(e)) {
    for (const Clause& c : m->clauses) walk_tail(c.body, owner, is_self, out);
  } else if (auto* call = as<CallNode>(e); call && is_self(*call)) {
    out.calls.insert(e.get());
    out.loops.insert(owner);
  }
}

// Every closure literal of a body: one bound directly by a let calls itself through the
// let's variable; any other has no name to call itself by.
class Closures : public ExprVisitor {
 public:
  explicit Closures(TailCalls& out) : out_(out) {}

 protected:
  using ExprVisitor::visit_;
  void visit_let_binding(const LetNode* let) override {
    if (auto* fn = as<FunctionNode>(let->value)) self_of_[fn] = let->var.get();
    ExprVisitor::visit_let_binding(let);
  }
  void visit_(const FunctionNode* fn) override {
    auto it = self_of_.find(fn);
    if (it != self_of_.end()) {
      const VarNode* self = it->second;
      walk_tail(fn->body, fn, [self](const CallNode& c) { return as<VarNode>(c.callee) == self; }, out_);
    }
    ExprVisitor::visit_(fn);
  }

 private:
  TailCalls& out_;
  std::map<const FunctionNode*, const VarNode*> self_of_;
};

}  // namespace

TailCalls find_tail_calls(const Function& fn, const FunctionInstance& inst, const Instances& instances,
                          const std::function<Type(const Expr&)>& type_of) {
  TailCalls out;
  walk_tail(fn->body, fn->body.get(),
            [&](const CallNode& c) {
              auto* g = as<GlobalVarNode>(c.callee);
              if (!g || g->name != inst.name) return false;
              const Span where = c.span.known() ? c.span : fn->span;
              return instances.key_at_use(g->name, type_of(c.callee), where) == inst.key;
            },
            out);
  Closures(out).visit(fn->body);
  return out;
}

}  // namespace weft::lower
