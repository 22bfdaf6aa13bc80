// InterpreterFrames.cpp - computes frame layouts: slots for binders, captures for free variables.
#include "ir/InterpreterFrames.h"

namespace weft::interp {

namespace {

// Walks one function body (not the bodies of nested functions, whose captures it
// reads from their own layouts) in evaluation order, so a variable's binder is seen
// before its uses in a well-formed program.
class LayoutBuilder {
 public:
  LayoutBuilder(FrameLayouts& all, FrameLayout& layout) : all_(all), layout_(layout) {}

  void run() {
    for (auto& p : layout_.fn->params) bind(p.get());
    visit(layout_.fn->body.get());
  }

 private:
  void bind(const VarNode* v) {
    // A variable seen first as a capture and bound later (only in ill-formed code)
    // becomes local from then on.
    const int32_t* s = layout_.slot.find(v);
    if (s && *s >= 0) return;
    int32_t n = layout_.num_slots++;
    layout_.slot[v] = n;
  }
  void use(const VarNode* v) {
    if (layout_.slot.find(v)) return;
    layout_.captures.push_back(Var(v));
    layout_.slot[v] = -int32_t(layout_.captures.size());
  }
  void bind_pattern(const PatternNode* p) {
    if (p->kind == PatternKind::Var) bind(p->var.get());
    for (auto& s : p->sub) bind_pattern(s.get());
  }

  void visit(const ExprNode* e) {
    // Iterates along let-chains; other nesting recurses (on the deep stack).
    while (e) {
      if (e->kind != ExprKind::Var) {
        uint8_t& seen = visited_[e];
        if (seen) return;  // a shared subtree, already resolved
        seen = 1;
      }
      switch (e->kind) {
        case ExprKind::Var: use(static_cast<const VarNode*>(e)); return;
        case ExprKind::GlobalVar:
        case ExprKind::Constant:
        case ExprKind::Op:
        case ExprKind::Constructor: return;
        case ExprKind::Tuple:
          for (auto& f : static_cast<const TupleNode*>(e)->fields) visit(f.get());
          return;
        case ExprKind::TupleGet: e = static_cast<const TupleGetNode*>(e)->tuple.get(); continue;
        case ExprKind::Let: {
          auto* let = static_cast<const LetNode*>(e);
          // `let %f = fn ... { %f(...) }`: the closure may call itself, so its name is bound
          // before its value is visited (the parser scopes it the same way).
          bool recursive = let->value->kind == ExprKind::Function;
          if (recursive) bind(let->var.get());
          visit(let->value.get());
          if (!recursive) bind(let->var.get());
          e = let->body.get();
          continue;
        }
        case ExprKind::If: {
          auto* n = static_cast<const IfNode*>(e);
          visit(n->cond.get());
          visit(n->then_branch.get());
          e = n->else_branch.get();
          continue;
        }
        case ExprKind::Function:
          for (auto& c : all_.of(static_cast<const FunctionNode*>(e)).captures) use(c.get());
          return;
        case ExprKind::Call: {
          auto* call = static_cast<const CallNode*>(e);
          visit(call->callee.get());
          for (auto& a : call->args) visit(a.get());
          return;
        }
        case ExprKind::Match: {
          auto* m = static_cast<const MatchNode*>(e);
          visit(m->scrutinee.get());
          for (auto& c : m->clauses) {
            bind_pattern(c.pattern.get());
            visit(c.body.get());
          }
          return;
        }
        case ExprKind::RefNew: e = static_cast<const RefNewNode*>(e)->value.get(); continue;
        case ExprKind::RefRead: e = static_cast<const RefReadNode*>(e)->ref.get(); continue;
        case ExprKind::RefWrite: {
          auto* w = static_cast<const RefWriteNode*>(e);
          visit(w->ref.get());
          e = w->value.get();
          continue;
        }
      }
      return;
    }
  }

  FrameLayouts& all_;
  FrameLayout& layout_;
  PtrMap<ExprNode, uint8_t> visited_;
};

}  // namespace

const FrameLayout& FrameLayouts::of(const FunctionNode* fn) {
  if (auto* hit = cache_.find(fn)) return **hit;
  auto layout = std::make_unique<FrameLayout>();
  layout->fn = Function(fn);
  FrameLayout& ref = *layout;
  // Cached before it is filled: a nested function refers to its parent only by
  // captures, never by layout, so no half-built layout is ever read.
  cache_[fn] = std::move(layout);
  LayoutBuilder(*this, ref).run();
  return ref;
}

}  // namespace weft::interp
