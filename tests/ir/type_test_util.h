// type_test_util.h - helpers shared by the type inference tests: parse, infer, look types up.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "ir/Parser.h"
#include "ir/TypeInference.h"

namespace weft::test {

// Parses and type-checks a module; a CompileError fails the calling test with its text.
inline Module inferred(const std::string& text) {
  Module m = parse_module(text, "test.weft");
  infer_types(m);
  return m;
}

// The message of the CompileError that checking `text` raises, "" when none is raised.
// `line` receives the line the error was reported at.
inline std::string infer_error(const std::string& text, int* line = nullptr) {
  try {
    Module m = parse_module(text, "test.weft");
    infer_types(m);
  } catch (const CompileError& e) {
    if (line) *line = e.diagnostic().span.line;
    return e.what();
  }
  return "";
}

inline std::string fn_type(const Module& m, const std::string& name) { return type_str(m.function(name)->checked_type); }
inline std::string main_type(const Module& m) { return fn_type(m, "main"); }

namespace detail {
// Depth-first search for the binder of a variable hinted `name` (let, parameter or pattern).
inline const VarNode* find_var(const Expr& e, const std::string& name);
inline const VarNode* find_in_pattern(const Pattern& p, const std::string& name) {
  if (p->kind == PatternKind::Var) return p->var->name_hint == name ? p->var.get() : nullptr;
  for (auto& s : p->sub)
    if (auto v = find_in_pattern(s, name)) return v;
  return nullptr;
}
inline const VarNode* find_var(const Expr& e, const std::string& name) {
  auto any = [&](std::initializer_list<Expr> es) -> const VarNode* {
    for (auto& x : es)
      if (auto v = find_var(x, name)) return v;
    return nullptr;
  };
  switch (e->kind) {
    case ExprKind::Let: {
      for (Expr cur = e; auto let = as<LetNode>(cur); cur = let->body) {
        if (let->var->name_hint == name) return let->var.get();
        if (auto v = find_var(let->value, name)) return v;
        if (!as<LetNode>(let->body)) return find_var(let->body, name);
      }
      return nullptr;
    }
    case ExprKind::Function: {
      auto fn = as<FunctionNode>(e);
      for (auto& p : fn->params)
        if (p->name_hint == name) return p.get();
      return find_var(fn->body, name);
    }
    case ExprKind::If: return any({as<IfNode>(e)->cond, as<IfNode>(e)->then_branch, as<IfNode>(e)->else_branch});
    case ExprKind::Match:
      for (auto& c : as<MatchNode>(e)->clauses) {
        if (auto v = find_in_pattern(c.pattern, name)) return v;
        if (auto v = find_var(c.body, name)) return v;
      }
      return find_var(as<MatchNode>(e)->scrutinee, name);
    case ExprKind::Call: {
      auto call = as<CallNode>(e);
      for (auto& a : call->args)
        if (auto v = find_var(a, name)) return v;
      return as<OpNode>(call->callee) ? nullptr : find_var(call->callee, name);
    }
    case ExprKind::Tuple:
      for (auto& f : as<TupleNode>(e)->fields)
        if (auto v = find_var(f, name)) return v;
      return nullptr;
    default: return nullptr;
  }
}
}  // namespace detail

// The inferred type of the variable hinted `name` bound anywhere in `m`'s functions.
inline std::string var_type(const Module& m, const std::string& name) {
  for (auto& f : m.function_names())
    if (auto v = detail::find_var(m.function(f), name)) return type_str(v->checked_type);
  ADD_FAILURE() << "no variable %" << name;
  return "";
}

// Every node reachable from the module's function bodies (but Op callees) has a checked_type.
inline void expect_all_typed(const Module& m) {
  std::vector<Expr> stack;
  for (auto& f : m.function_names()) stack.push_back(m.function(f));
  while (!stack.empty()) {
    Expr e = stack.back();
    stack.pop_back();
    if (e->kind == ExprKind::Op) continue;
    EXPECT_TRUE(e->checked_type) << "untyped " << expr_kind_name(e->kind);
    switch (e->kind) {
      case ExprKind::Let: stack.insert(stack.end(), {as<LetNode>(e)->var, as<LetNode>(e)->value, as<LetNode>(e)->body}); break;
      case ExprKind::Function:
        for (auto& p : as<FunctionNode>(e)->params) stack.push_back(p);
        stack.push_back(as<FunctionNode>(e)->body);
        break;
      case ExprKind::If: stack.insert(stack.end(), {as<IfNode>(e)->cond, as<IfNode>(e)->then_branch, as<IfNode>(e)->else_branch}); break;
      case ExprKind::Call:
        stack.push_back(as<CallNode>(e)->callee);
        stack.insert(stack.end(), as<CallNode>(e)->args.begin(), as<CallNode>(e)->args.end());
        break;
      case ExprKind::Tuple: stack.insert(stack.end(), as<TupleNode>(e)->fields.begin(), as<TupleNode>(e)->fields.end()); break;
      case ExprKind::TupleGet: stack.push_back(as<TupleGetNode>(e)->tuple); break;
      case ExprKind::Match:
        stack.push_back(as<MatchNode>(e)->scrutinee);
        for (auto& c : as<MatchNode>(e)->clauses) stack.push_back(c.body);
        break;
      case ExprKind::RefNew: stack.push_back(as<RefNewNode>(e)->value); break;
      case ExprKind::RefRead: stack.push_back(as<RefReadNode>(e)->ref); break;
      case ExprKind::RefWrite: stack.insert(stack.end(), {as<RefWriteNode>(e)->ref, as<RefWriteNode>(e)->value}); break;
      default: break;
    }
  }
}

}  // namespace weft::test
