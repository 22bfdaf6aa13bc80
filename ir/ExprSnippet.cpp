// ExprSnippet.cpp - one-line, length-limited printing of expressions for diagnostics.
#include "ir/ExprSnippet.h"

#include <cctype>

#include "ir/Printer.h"

namespace weft {

namespace {

// Children of `e`, for measuring its size.
void push_children(const Expr& e, std::vector<Expr>* out) {
  switch (e->kind) {
    case ExprKind::Tuple: out->insert(out->end(), as<TupleNode>(e)->fields.begin(), as<TupleNode>(e)->fields.end()); break;
    case ExprKind::TupleGet: out->push_back(as<TupleGetNode>(e)->tuple); break;
    case ExprKind::Let: out->insert(out->end(), {as<LetNode>(e)->value, as<LetNode>(e)->body}); break;
    case ExprKind::If: out->insert(out->end(), {as<IfNode>(e)->cond, as<IfNode>(e)->then_branch, as<IfNode>(e)->else_branch}); break;
    case ExprKind::Function: out->push_back(as<FunctionNode>(e)->body); break;
    case ExprKind::Call:
      out->push_back(as<CallNode>(e)->callee);
      out->insert(out->end(), as<CallNode>(e)->args.begin(), as<CallNode>(e)->args.end());
      break;
    case ExprKind::Match:
      out->push_back(as<MatchNode>(e)->scrutinee);
      for (auto& c : as<MatchNode>(e)->clauses) out->push_back(c.body);
      break;
    case ExprKind::RefNew: out->push_back(as<RefNewNode>(e)->value); break;
    case ExprKind::RefRead: out->push_back(as<RefReadNode>(e)->ref); break;
    case ExprKind::RefWrite: out->insert(out->end(), {as<RefWriteNode>(e)->ref, as<RefWriteNode>(e)->value}); break;
    default: break;
  }
}

// Whether printing `e` whole is cheap: few nodes and no large constant. Why: the
// offending node may be a 100,000-deep call chain or hold a weight of millions of
// elements, and a message needs only its first line.
bool small(const Expr& e, int64_t budget) {
  std::vector<Expr> todo{e};
  while (!todo.empty()) {
    Expr cur = todo.back();
    todo.pop_back();
    auto c = as<ConstantNode>(cur);
    budget -= c ? 1 + c->value.numel() : 1;
    if (budget < 0) return false;
    push_children(cur, &todo);
  }
  return true;
}

// The head of a large expression, its parts elided.
std::string head(const Expr& e) {
  switch (e->kind) {
    case ExprKind::Constant: {
      const Tensor& v = as<ConstantNode>(e)->value;
      return "const " + std::string(dtype_name(v.dtype())) + shape_str(v.shape()) + " [...]";
    }
    case ExprKind::Call: {
      auto call = as<CallNode>(e);
      std::string callee = small(call->callee, 8) ? print_expr(call->callee) : "(...)";
      while (!callee.empty() && std::isspace(static_cast<unsigned char>(callee.back()))) callee.pop_back();
      if (auto op = as<OpNode>(call->callee)) callee = op->name();
      return callee + "(...)";
    }
    case ExprKind::Tuple: return "(...)";
    case ExprKind::TupleGet: return "(...)." + std::to_string(as<TupleGetNode>(e)->index);
    case ExprKind::Let: return "let ... ; ...";
    case ExprKind::If: return "if (...) { ... } else { ... }";
    case ExprKind::Function: return "fn (...) { ... }";
    case ExprKind::Match: return "match (...) { ... }";
    case ExprKind::RefNew: return "ref_new(...)";
    case ExprKind::RefRead: return "ref_read(...)";
    case ExprKind::RefWrite: return "ref_write(...)";
    default: return print_expr(e);  // names: always short
  }
}

}  // namespace

std::string expr_snippet(const Expr& e, size_t max_chars) {
  constexpr int64_t kPrintBudget = 400;  // nodes (or constant elements) printed in full
  std::string text = small(e, kPrintBudget) ? print_expr(e) : head(e), out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    // Blocks print across lines; joined with single spaces, but none just inside parentheses.
    if (space && out.back() != '(' && c != ')') out += ' ';
    space = false;
    out += c;
    if (out.size() > max_chars) {
      out.resize(max_chars);
      return out + "...";
    }
  }
  return out;
}

const Span& span_of_use(const Expr& e, const Span& fallback) {
  if (!e || !e->span.known()) return fallback;
  switch (e->kind) {
    case ExprKind::Var:
    case ExprKind::Constructor:
    case ExprKind::Op: return fallback;
    default: return e->span;
  }
}

}  // namespace weft
