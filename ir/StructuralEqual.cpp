// StructuralEqual.cpp - pairwise comparison with maps between bound variables.
#include "ir/StructuralEqual.h"

#include <cstring>
#include <set>
#include <unordered_map>

#include "ir/DeepStack.h"

namespace weft {

namespace {

// A one-to-one correspondence between the binders of two programs. Re-binding a
// variable (a let shared by two branches of a DAG) overwrites its earlier partner.
template <typename Node>
class Bijection {
 public:
  void bind(const Node* a, const Node* b) {
    ab_[a] = b;
    ba_[b] = a;
  }
  bool match(const Node* a, const Node* b) {
    auto x = ab_.find(a);
    auto y = ba_.find(b);
    if (x == ab_.end() && y == ba_.end()) {  // both free: pair them on first sight
      bind(a, b);
      return true;
    }
    return x != ab_.end() && y != ba_.end() && x->second == b && y->second == a;
  }

 private:
  std::unordered_map<const Node*, const Node*> ab_, ba_;
};

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool attr_values_equal(const AttrValue& a, const AttrValue& b) {
  if (a.index() != b.index()) return false;
  if (auto x = std::get_if<double>(&a)) return same_bits(*x, std::get<double>(b));
  if (auto x = std::get_if<std::vector<double>>(&a)) {
    auto& y = std::get<std::vector<double>>(b);
    if (x->size() != y.size()) return false;
    for (size_t i = 0; i < x->size(); ++i)
      if (!same_bits((*x)[i], y[i])) return false;
    return true;
  }
  return a == b;
}

class EqualChecker {
 public:
  std::string mismatch;

  bool module(const Module& a, const Module& b) {
    auto user_types = [](const Module& m) {
      std::set<std::string> names;
      for (auto& n : m.type_names())
        if (!m.type(n)->prelude) names.insert(n);
      return names;
    };
    if (user_types(a) != user_types(b)) return fail("the modules define different types");
    for (auto& name : user_types(a))
      if (!type_data(*a.type(name), *b.type(name))) return fail("type '" + name + "' differs");
    std::set<std::string> fa(a.function_names().begin(), a.function_names().end());
    std::set<std::string> fb(b.function_names().begin(), b.function_names().end());
    if (fa != fb) return fail("the modules define different functions");
    for (auto& name : fa)
      if (!expr(a.function(name), b.function(name))) return fail("function '@" + name + "' differs");
    return true;
  }

  bool type(const Type& a, const Type& b) {
    if (!a || !b) return !a && !b ? true : fail("a type is missing on one side");
    if (a->kind != b->kind) return fail("types " + type_str(a) + " and " + type_str(b) + " differ");
    switch (a->kind) {
      case TypeKind::TensorType:
        if (type_equal(a, b)) return true;  // tensor types hold no type parameters
        return fail("types " + type_str(a) + " and " + type_str(b) + " differ");
      case TypeKind::TupleType: return types(as_tuple(a)->fields, as_tuple(b)->fields);
      case TypeKind::FuncType: {
        auto x = as_func(a), y = as_func(b);
        return bind_type_params(x->type_params, y->type_params) && types(x->params, y->params) && type(x->ret, y->ret);
      }
      case TypeKind::AdtType:
        if (as_adt(a)->name != as_adt(b)->name) return fail("types " + type_str(a) + " and " + type_str(b) + " differ");
        return types(as_adt(a)->args, as_adt(b)->args);
      case TypeKind::RefType: return type(as_ref(a)->inner, as_ref(b)->inner);
      case TypeKind::TypeVar:
        return type_vars_.match(as_type_var(a), as_type_var(b)) ? true : fail("type variables " + type_str(a) + " and " + type_str(b) + " differ");
      case TypeKind::IncompleteType: return type_equal(a, b) ? true : fail("incomplete types differ");
    }
    return false;
  }

  bool expr(const Expr& a, const Expr& b) {
    if (!a || !b) return !a && !b ? true : fail("an expression is missing on one side");
    if (a->kind != b->kind) return fail(std::string(expr_kind_name(a->kind)) + " vs " + expr_kind_name(b->kind));
    // Shared subtrees (a DAG) are compared once; a variable's partner may change on re-binding.
    if (a->kind == ExprKind::Var) return expr_fields(a, b);
    if (!equal_pairs_.insert({a.get(), b.get()}).second) return true;
    bool eq = expr_fields(a, b);
    if (!eq) equal_pairs_.erase({a.get(), b.get()});
    return eq;
  }

 private:
  // The innermost difference is recorded first; enclosing ones add context in front.
  bool fail(const std::string& why) {
    mismatch = mismatch.empty() ? why : why + ": " + mismatch;
    return false;
  }

  bool types(const std::vector<Type>& a, const std::vector<Type>& b) {
    if (a.size() != b.size()) return fail("type lists of different lengths");
    for (size_t i = 0; i < a.size(); ++i)
      if (!type(a[i], b[i])) return false;
    return true;
  }

  bool exprs(const std::vector<Expr>& a, const std::vector<Expr>& b) {
    if (a.size() != b.size()) return fail("different numbers of arguments or fields");
    for (size_t i = 0; i < a.size(); ++i)
      if (!expr(a[i], b[i])) return false;
    return true;
  }

  bool bind_type_params(const std::vector<TypeVar>& a, const std::vector<TypeVar>& b) {
    if (a.size() != b.size()) return fail("different numbers of type parameters");
    for (size_t i = 0; i < a.size(); ++i) type_vars_.bind(a[i].get(), b[i].get());
    return true;
  }

  bool bind_var(const Var& a, const Var& b) {
    if (!type(a->annotation, b->annotation)) return fail("annotations of %" + a->name_hint + " differ");
    vars_.bind(a.get(), b.get());
    return true;
  }

  bool type_data(const TypeData& a, const TypeData& b) {
    if (!bind_type_params(a.type_params, b.type_params)) return false;
    if (a.constructors.size() != b.constructors.size()) return fail("different numbers of constructors");
    for (size_t i = 0; i < a.constructors.size(); ++i) {
      const Constructor &x = a.constructors[i], &y = b.constructors[i];
      if (x->name != y->name) return fail("constructors " + x->name + " and " + y->name + " differ");
      if (!types(x->fields, y->fields)) return false;
    }
    return true;
  }

  bool pattern(const Pattern& a, const Pattern& b) {
    if (a->kind != b->kind) return fail("patterns of different kinds");
    if (a->kind == PatternKind::Var) return bind_var(a->var, b->var);
    if (a->kind == PatternKind::Constructor && !expr(a->ctor, b->ctor)) return false;
    if (a->sub.size() != b->sub.size()) return fail("patterns of different lengths");
    for (size_t i = 0; i < a->sub.size(); ++i)
      if (!pattern(a->sub[i], b->sub[i])) return false;
    return true;
  }

  bool attrs(const Attrs& a, const Attrs& b) {
    auto &x = a.values(), &y = b.values();
    if (x.size() != y.size()) return fail("different attributes");
    for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j)
      if (i->first != j->first || !attr_values_equal(i->second, j->second))
        return fail("attribute " + i->first + "=" + attr_value_str(i->second) + " vs " + j->first + "=" + attr_value_str(j->second));
    return true;
  }

  bool expr_fields(const Expr& a, const Expr& b) {
    switch (a->kind) {
      case ExprKind::Var:
        if (vars_.match(as<VarNode>(a), as<VarNode>(b))) return true;
        return fail("variables %" + as<VarNode>(a)->name_hint + " and %" + as<VarNode>(b)->name_hint + " differ");
      case ExprKind::GlobalVar:
        if (as<GlobalVarNode>(a)->name == as<GlobalVarNode>(b)->name) return true;
        return fail("@" + as<GlobalVarNode>(a)->name + " vs @" + as<GlobalVarNode>(b)->name);
      case ExprKind::Constant:
        if (as<ConstantNode>(a)->value.identical(as<ConstantNode>(b)->value)) return true;
        return fail("constants " + as<ConstantNode>(a)->value.str() + " and " + as<ConstantNode>(b)->value.str() + " differ");
      case ExprKind::Tuple: return exprs(as<TupleNode>(a)->fields, as<TupleNode>(b)->fields);
      case ExprKind::TupleGet:
        if (as<TupleGetNode>(a)->index != as<TupleGetNode>(b)->index) return fail("tuple indices differ");
        return expr(as<TupleGetNode>(a)->tuple, as<TupleGetNode>(b)->tuple);
      case ExprKind::Let: return let_chain(as<LetNode>(a), as<LetNode>(b));
      case ExprKind::If: {
        auto x = as<IfNode>(a), y = as<IfNode>(b);
        return expr(x->cond, y->cond) && expr(x->then_branch, y->then_branch) && expr(x->else_branch, y->else_branch);
      }
      case ExprKind::Function: {
        auto x = as<FunctionNode>(a), y = as<FunctionNode>(b);
        if (!bind_type_params(x->type_params, y->type_params)) return false;
        if (x->params.size() != y->params.size()) return fail("functions with different numbers of parameters");
        for (size_t i = 0; i < x->params.size(); ++i)
          if (!bind_var(x->params[i], y->params[i])) return false;
        if (!(x->attrs == y->attrs)) return fail("functions with different attributes");
        return type(x->ret_type, y->ret_type) && expr(x->body, y->body);
      }
      case ExprKind::Call: {
        auto x = as<CallNode>(a), y = as<CallNode>(b);
        return expr(x->callee, y->callee) && exprs(x->args, y->args) && attrs(x->attrs, y->attrs);
      }
      case ExprKind::Op:
        if (as<OpNode>(a)->def == as<OpNode>(b)->def) return true;
        return fail("operators " + as<OpNode>(a)->name() + " and " + as<OpNode>(b)->name() + " differ");
      case ExprKind::Constructor: {
        auto x = as<ConstructorNode>(a), y = as<ConstructorNode>(b);
        if (x->name == y->name && x->adt == y->adt && x->tag == y->tag) return true;
        return fail("constructors " + x->name + " and " + y->name + " differ");
      }
      case ExprKind::Match: {
        auto x = as<MatchNode>(a), y = as<MatchNode>(b);
        if (!expr(x->scrutinee, y->scrutinee)) return false;
        if (x->clauses.size() != y->clauses.size()) return fail("matches with different numbers of clauses");
        for (size_t i = 0; i < x->clauses.size(); ++i)
          if (!pattern(x->clauses[i].pattern, y->clauses[i].pattern) || !expr(x->clauses[i].body, y->clauses[i].body)) return false;
        return true;
      }
      case ExprKind::RefNew: return expr(as<RefNewNode>(a)->value, as<RefNewNode>(b)->value);
      case ExprKind::RefRead: return expr(as<RefReadNode>(a)->ref, as<RefReadNode>(b)->ref);
      case ExprKind::RefWrite:
        return expr(as<RefWriteNode>(a)->ref, as<RefWriteNode>(b)->ref) && expr(as<RefWriteNode>(a)->value, as<RefWriteNode>(b)->value);
    }
    return false;
  }

  // Walked in a loop: chains can be very long.
  bool let_chain(const LetNode* x, const LetNode* y) {
    for (;;) {
      // The variable is bound before its value is compared: a closure may name itself.
      if (!bind_var(x->var, y->var) || !expr(x->value, y->value)) return false;
      auto nx = as<LetNode>(x->body), ny = as<LetNode>(y->body);
      if (!nx || !ny) return expr(x->body, y->body);
      x = nx;
      y = ny;
    }
  }

  Bijection<VarNode> vars_;
  Bijection<TypeVarNode> type_vars_;
  std::set<std::pair<const ExprNode*, const ExprNode*>> equal_pairs_;
};

template <typename T>
bool check(const T& a, const T& b, std::string* mismatch, bool (EqualChecker::*compare)(const T&, const T&)) {
  return with_deep_stack([&] {
    EqualChecker checker;
    bool eq = (checker.*compare)(a, b);
    if (!eq && mismatch) *mismatch = checker.mismatch;
    return eq;
  });
}

}  // namespace

bool structural_equal(const Expr& a, const Expr& b, std::string* mismatch) { return check(a, b, mismatch, &EqualChecker::expr); }
bool structural_equal(const Type& a, const Type& b, std::string* mismatch) { return check(a, b, mismatch, &EqualChecker::type); }
bool structural_equal(const Module& a, const Module& b, std::string* mismatch) { return check(a, b, mismatch, &EqualChecker::module); }

}  // namespace weft
