// MarkLoops.cpp - a loop function's copy that also collects its marked values per iteration (see MarkLoops.h).
#include "cli/MarkLoops.h"

#include "ir/ExprFunctor.h"

namespace weft::cli {

namespace {

// Counts the references to one global function anywhere in an expression.
class CountCalls : public ExprVisitor {
 public:
  explicit CountCalls(std::string name) : name_(std::move(name)) {}
  int count = 0;

 protected:
  void visit_(const GlobalVarNode* node) override {
    if (node->name == name_) ++count;
  }

 private:
  std::string name_;
};

bool calls_self(const Expr& callee, const std::string& self) {
  const GlobalVarNode* g = as<GlobalVarNode>(callee);
  return g && g->name == self;
}

// The tail positions of a loop body, through lets and ifs: the recursive call's let scope.
struct TailWalk {
  std::string self;
  std::vector<const LetNode*> scope;
  std::vector<const LetNode*> at_call;  // the marked lets in scope at the recursive call
  int self_calls = 0;

  void walk(const Expr& e) {
    if (const LetNode* let = as<LetNode>(e)) {
      scope.push_back(let);
      walk(let->body);
      scope.pop_back();
    } else if (const IfNode* i = as<IfNode>(e)) {
      walk(i->then_branch);
      walk(i->else_branch);
    } else if (const CallNode* c = as<CallNode>(e); c && calls_self(c->callee, self)) {
      ++self_calls;
      for (const LetNode* let : scope) {
        const Type t = let->var->checked_type ? let->var->checked_type : let->value->checked_type;
        if (!called_op_name(let->value).empty() && as_tensor(t)) at_call.push_back(let);
      }
    }
  }
};

// F's body with the recursive call passing each list with this iteration's value prepended
// and every other tail position returning (its value, the lists).
Expr rewrite(const Expr& e, const std::string& self, const std::string& copy, const std::vector<const LetNode*>& marked,
             const std::vector<Var>& lists, const Module& m) {
  if (const LetNode* let = as<LetNode>(e))
    return make_let(let->var, let->value, rewrite(let->body, self, copy, marked, lists, m), let->span);
  if (const IfNode* i = as<IfNode>(e))
    return make_if(i->cond, rewrite(i->then_branch, self, copy, marked, lists, m), rewrite(i->else_branch, self, copy, marked, lists, m),
                   i->span);
  if (const CallNode* c = as<CallNode>(e); c && calls_self(c->callee, self)) {
    std::vector<Expr> args = c->args;
    for (size_t j = 0; j < marked.size(); ++j) args.push_back(make_call(m.constructor("Cons"), {marked[j]->var, lists[j]}, c->span));
    return make_call(make_global_var(copy, c->span), args, c->span);
  }
  std::vector<Expr> fields = {e};
  fields.insert(fields.end(), lists.begin(), lists.end());
  return make_tuple(fields, e->span);
}

// Every variable bound in a function replaced by a new one: the copy shares no binder with F.
class Freshen : public ExprMutator {
 protected:
  Expr visit_(const VarNode* node) override { return make_var(node->name_hint, node->annotation, node->span); }
};

}  // namespace

MarkedLoop mark_loop(Module& m, const std::string& callee) {
  MarkedLoop out;
  const Function f = m.function(callee);
  if (!f || !f->ret_type || !f->type_params.empty() || callee == "main") return out;
  TailWalk walk{callee, {}, {}, 0};
  walk.walk(f->body);
  CountCalls all(callee);
  all.visit(f->body);
  // One recursive call, in tail position: anything else is not a loop this can follow.
  if (walk.self_calls != 1 || all.count != 1 || walk.at_call.empty()) return out;

  std::string copy = callee + "_marked";
  for (int i = 1; m.function(copy); ++i) copy = callee + "_marked_" + std::to_string(i);
  std::vector<Var> params = f->params, lists;
  std::vector<Type> ret = {f->ret_type};
  for (const LetNode* let : walk.at_call) {
    const Type t = let->var->checked_type ? let->var->checked_type : let->value->checked_type;
    const Type list = adt_type("List", {t});
    lists.push_back(make_var(let->var->name_hint + "_iterations", list, let->span));
    params.push_back(lists.back());
    ret.push_back(list);
    const Span& where = let->value->span.known() ? let->value->span : let->span;
    out.values.push_back({"%" + let->var->name_hint, called_op_name(let->value), where.str(), "", "@" + callee, -1});
  }
  const Expr body = rewrite(f->body, callee, copy, walk.at_call, lists, m);
  Freshen fresh;
  std::vector<Var> fresh_params;
  for (const Var& p : params) fresh_params.push_back(fresh.mutate_var(p));
  m.add_function(copy, make_function(fresh_params, tuple_type(ret), fresh.mutate(body), {}, f->span, f->attrs));
  out.copy = copy;
  return out;
}

}  // namespace weft::cli
