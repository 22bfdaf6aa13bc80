// WellFormed.cpp - the scoping and naming checks of check_well_formed.
#include "ir/WellFormed.h"

#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/DeepStack.h"
#include "ir/ExprSnippet.h"

namespace weft {

namespace {

class Checker {
 public:
  explicit Checker(const Module& m) : m_(m) {}

  void function(const FunctionNode* fn, const Span& where) {
    const Span& here = span_of_use(Expr(fn), where);
    for (auto& p : fn->params) bind(p, here);
    visit(fn->body, here);
    for (auto& p : fn->params) in_scope_.erase(p.get());
  }

 private:
  void bind(const Var& v, const Span& where) {
    if (!bound_.insert(v.get()).second) throw CompileError(where, "variable %" + v->name_hint + " is bound twice");
    in_scope_.insert(v.get());
  }

  void constructor(const ConstructorNode* c, const Span& where) {
    Constructor known = m_.constructor(c->name);
    if (!known) throw CompileError(where, "unknown constructor " + c->name);
    // Another module's node with the same name is fine as long as it is the same constructor.
    if (known.get() != c && (known->adt != c->adt || known->tag != c->tag || known->fields.size() != c->fields.size()))
      throw CompileError(where, Msg() << "constructor " << c->name << " of type " << c->adt << " does not match this module's "
                                      << known->name << " of type " << known->adt);
  }

  void pattern(const Pattern& p, const Span& where, std::vector<const VarNode*>* vars) {
    switch (p->kind) {
      case PatternKind::Wildcard: return;
      case PatternKind::Var:
        bind(p->var, where);
        vars->push_back(p->var.get());
        return;
      case PatternKind::Constructor: constructor(p->ctor.get(), where); [[fallthrough]];
      case PatternKind::Tuple:
        for (auto& s : p->sub) pattern(s, where, vars);
        return;
    }
  }

  // `where` is the span of the nearest enclosing node that locates this occurrence.
  // A subexpression shared by several parents (as CSE leaves them) is walked once: walking it
  // again per use is exponential in the depth of the sharing. A repeated visit of a subtree
  // that bound nothing the first time only has to find its free variables in scope here.
  void visit(const Expr& e, const Span& where) {
    if (!is_compound(e)) return visit_node(e, where);
    if (checked_.count(e.get())) return check_free_vars_in_scope(e, where);
    const size_t binds_before = bound_.size();
    visit_node(e, where);
    // A subtree that binds a variable is not remembered, so that a second occurrence still
    // reports the variable bound twice.
    if (bound_.size() == binds_before) checked_.insert(e.get());
  }

  static bool is_compound(const Expr& e) {
    return e->kind != ExprKind::Var && e->kind != ExprKind::GlobalVar && e->kind != ExprKind::Constant &&
           e->kind != ExprKind::Op && e->kind != ExprKind::Constructor;
  }

  void check_free_vars_in_scope(const Expr& e, const Span& where) {
    for (const VarNode* v : *free_vars(e))
      if (!in_scope_.count(v)) throw CompileError(where, "variable %" + v->name_hint + " is not in scope");
  }

  // The variables a binder-free subtree (one in checked_) reads, memoized per node.
  using VarList = std::shared_ptr<const std::vector<const VarNode*>>;
  VarList free_vars(const Expr& e) {
    if (auto it = free_vars_.find(e.get()); it != free_vars_.end()) return it->second;
    std::unordered_set<const VarNode*> seen;
    auto vars = std::make_shared<std::vector<const VarNode*>>();
    auto add = [&](const VarNode* v) {
      if (seen.insert(v).second) vars->push_back(v);
    };
    for_each_child(e, [&](const Expr& child) {
      if (child->kind == ExprKind::Var)
        add(as<VarNode>(child));
      else if (is_compound(child))
        for (const VarNode* v : *free_vars(child)) add(v);
    });
    free_vars_.emplace(e.get(), vars);
    return vars;
  }

  // The direct subexpressions of a binder-free node.
  template <typename F>
  static void for_each_child(const Expr& e, F&& f) {
    switch (e->kind) {
      case ExprKind::Tuple:
        for (auto& x : as<TupleNode>(e)->fields) f(x);
        return;
      case ExprKind::TupleGet: f(as<TupleGetNode>(e)->tuple); return;
      case ExprKind::If:
        f(as<IfNode>(e)->cond);
        f(as<IfNode>(e)->then_branch);
        f(as<IfNode>(e)->else_branch);
        return;
      case ExprKind::Call:
        if (!as<OpNode>(as<CallNode>(e)->callee)) f(as<CallNode>(e)->callee);
        for (auto& a : as<CallNode>(e)->args) f(a);
        return;
      case ExprKind::Match:
        f(as<MatchNode>(e)->scrutinee);
        for (auto& clause : as<MatchNode>(e)->clauses) f(clause.body);
        return;
      case ExprKind::RefNew: f(as<RefNewNode>(e)->value); return;
      case ExprKind::RefRead: f(as<RefReadNode>(e)->ref); return;
      case ExprKind::RefWrite:
        f(as<RefWriteNode>(e)->ref);
        f(as<RefWriteNode>(e)->value);
        return;
      case ExprKind::Function: f(as<FunctionNode>(e)->body); return;  // one without parameters binds nothing
      default: return;  // a Let always binds, so it is never in checked_
    }
  }

  void visit_node(const Expr& e, const Span& where) {
    const Span& here = span_of_use(e, where);
    switch (e->kind) {
      case ExprKind::Var: {
        auto v = as<VarNode>(e);
        if (!in_scope_.count(v)) throw CompileError(where, "variable %" + v->name_hint + " is not in scope");
        return;
      }
      case ExprKind::GlobalVar:
        if (!m_.function(as<GlobalVarNode>(e)->name))
          throw CompileError(here, "unknown function @" + as<GlobalVarNode>(e)->name);
        return;
      case ExprKind::Constant: return;
      case ExprKind::Tuple:
        for (auto& f : as<TupleNode>(e)->fields) visit(f, here);
        return;
      case ExprKind::TupleGet: visit(as<TupleGetNode>(e)->tuple, here); return;
      case ExprKind::Let: let_chain(e, where); return;
      case ExprKind::If: {
        auto node = as<IfNode>(e);
        visit(node->cond, here);
        visit(node->then_branch, here);
        visit(node->else_branch, here);
        return;
      }
      case ExprKind::Function: function(as<FunctionNode>(e), where); return;
      case ExprKind::Call: {
        auto call = as<CallNode>(e);
        if (!as<OpNode>(call->callee)) visit(call->callee, here);
        for (auto& a : call->args) visit(a, here);
        return;
      }
      case ExprKind::Op:
        throw CompileError(where, "operator '" + as<OpNode>(e)->name() + "' is used as a value; call it");
      case ExprKind::Constructor: constructor(as<ConstructorNode>(e), where); return;
      case ExprKind::Match: {
        auto node = as<MatchNode>(e);
        visit(node->scrutinee, here);
        for (auto& clause : node->clauses) {
          std::vector<const VarNode*> vars;
          pattern(clause.pattern, span_of_use(clause.body, here), &vars);
          visit(clause.body, here);
          for (auto* v : vars) in_scope_.erase(v);
        }
        return;
      }
      case ExprKind::RefNew: visit(as<RefNewNode>(e)->value, here); return;
      case ExprKind::RefRead: visit(as<RefReadNode>(e)->ref, here); return;
      case ExprKind::RefWrite:
        visit(as<RefWriteNode>(e)->ref, here);
        visit(as<RefWriteNode>(e)->value, here);
        return;
    }
  }

  // Iterative along the chain, so a 100,000-long let-chain costs no stack.
  void let_chain(const Expr& e, const Span& where) {
    std::vector<const VarNode*> vars;
    const Span* last = &where;
    Expr cur = e;
    while (auto let = as<LetNode>(cur)) {
      const Span& here = span_of_use(cur, where);
      last = &here;
      if (as<FunctionNode>(let->value)) {
        bind(let->var, here);  // a local closure may call itself
        visit(let->value, here);
      } else {
        visit(let->value, here);
        bind(let->var, here);
      }
      vars.push_back(let->var.get());
      cur = let->body;
    }
    visit(cur, *last);
    for (auto* v : vars) in_scope_.erase(v);
  }

  const Module& m_;
  std::unordered_set<const VarNode*> bound_, in_scope_;
  std::unordered_set<const ExprNode*> checked_;
  std::unordered_map<const ExprNode*, VarList> free_vars_;
};

}  // namespace

void check_well_formed(const Module& m) {
  with_deep_stack([&] {
    Checker checker(m);
    for (auto& name : m.function_names()) {
      Function fn = m.function(name);
      checker.function(fn.get(), fn->span);
    }
  });
}

}  // namespace weft
