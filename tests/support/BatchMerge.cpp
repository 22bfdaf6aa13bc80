// BatchMerge.cpp - merging case modules into one batch module (see BatchMerge.h).
#include "tests/support/BatchMerge.h"

#include "ir/ExprFunctor.h"
#include "ir/TypeInference.h"

namespace weft::testing {

namespace {

void type_symbols(const Type& t, std::set<std::string>& out) {
  if (!t) return;
  if (auto* tt = as_tensor(t)) {
    for (const Dim& d : tt->shape)
      for (const std::string& s : d.symbols()) out.insert(s);
  } else if (auto* tup = as_tuple(t)) {
    for (const Type& f : tup->fields) type_symbols(f, out);
  } else if (auto* fn = as_func(t)) {
    for (const Type& p : fn->params) type_symbols(p, out);
    type_symbols(fn->ret, out);
  } else if (auto* adt = as_adt(t)) {
    for (const Type& a : adt->args) type_symbols(a, out);
  } else if (auto* r = as_ref(t)) {
    type_symbols(r->inner, out);
  }
}

struct SymbolCollector : ExprVisitor {
  std::set<std::string> symbols;
  void visit(const Expr& e) override {
    type_symbols(e->checked_type, symbols);
    ExprVisitor::visit(e);
  }
  void visit_let_binding(const LetNode* let) override {
    // Inner lets of a chain skip visit(): their types are collected here.
    type_symbols(let->checked_type, symbols);
    ExprVisitor::visit_let_binding(let);
  }
};

size_t count_tensors(const Type& t) {
  if (auto* tup = as_tuple(t)) {
    size_t n = 0;
    for (const Type& f : tup->fields) n += count_tensors(f);
    return n;
  }
  return 1;
}

}  // namespace

std::set<std::string> module_symbols(const Module& m) {
  SymbolCollector c;
  for (const std::string& f : m.function_names()) {
    Function fn = m.function(f);
    type_symbols(fn->checked_type, c.symbols);
    c.visit(fn);
  }
  return c.symbols;
}

bool defines_types(const Module& m) {
  for (const std::string& t : m.type_names())
    if (!m.type(t)->prelude) return true;
  return false;
}

size_t flat_output_count(const Module& m) { return count_tensors(as_func(m.main()->checked_type)->ret); }

Module merge_modules(const std::vector<const Module*>& cases) {
  Module merged;
  std::vector<Var> params;
  std::vector<Expr> results;
  for (size_t k = 0; k < cases.size(); ++k) {
    const Module& m = *cases[k];
    const std::string prefix = "k" + std::to_string(k) + "_";
    for (const std::string& t : m.type_names())
      if (!m.type(t)->prelude) merged.add_type(*m.type(t));
    for (const std::string& f : m.function_names()) {
      Function fn = m.function(f);
      Expr body = rewrite_with(fn->body, [&](auto*, const GlobalVarNode* g) -> Expr {
        return make_global_var(prefix + g->name, g->span);
      });
      merged.add_function(prefix + f, make_function(fn->params, fn->ret_type, body, fn->type_params, fn->span));
    }
    std::vector<Expr> args;
    for (const Var& p : m.main()->params) {
      params.push_back(make_var(p->name_hint, p->checked_type ? p->checked_type : p->annotation, p->span));
      args.push_back(params.back());
    }
    results.push_back(make_call(make_global_var(prefix + "main"), args));
  }
  merged.add_function("main", make_function(params, nullptr, make_tuple(results)));
  infer_types(merged);
  return merged;
}

}  // namespace weft::testing
