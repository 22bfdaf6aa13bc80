// IrComment.cpp - a short one-line rendering of IR for comments in generated source.
#include "codegen/IrComment.h"

#include <sstream>

#include "ir/Lexer.h"
#include "ir/OpRegistry.h"

namespace weft::codegen {

namespace {

// As the text format writes a scalar: 0i64, 0.5f32, true.
std::string scalar_text(const Tensor& t) {
  if (t.dtype() == DType::Bool) return t.as_int() ? "true" : "false";
  std::ostringstream os;
  if (is_float(t.dtype())) os << t.as_double();
  else os << t.as_int();
  return os.str() + dtype_name(t.dtype());
}

void render(const Expr& e, int depth, std::string& out, size_t max_chars) {
  if (out.size() > max_chars) return;
  if (depth > 4) {
    out += "...";
    return;
  }
  auto list = [&](const std::vector<Expr>& xs) {
    for (size_t i = 0; i < xs.size() && out.size() <= max_chars; ++i) {
      if (i) out += ", ";
      render(xs[i], depth + 1, out, max_chars);
    }
  };
  if (auto* v = as<VarNode>(e)) {
    out += local_name_text(v->name_hint);
  } else if (auto* c = as<ConstantNode>(e)) {
    out += c->value.rank() == 0 ? scalar_text(c->value) : "const " + c->value.str(4);
  } else if (auto* call = as<CallNode>(e)) {
    if (auto* op = as<OpNode>(call->callee)) out += op->name();
    else if (auto* g = as<GlobalVarNode>(call->callee)) out += "@" + g->name;
    else if (auto* k = as<ConstructorNode>(call->callee)) out += k->name;
    else out += "(fn)";
    out += "(";
    list(call->args);
    for (auto& [name, v] : call->attrs.values()) out += ", " + name + "=" + attr_value_str(v);
    out += ")";
  } else if (auto* t = as<TupleNode>(e)) {
    out += "(";
    list(t->fields);
    out += ")";
  } else if (auto* g = as<TupleGetNode>(e)) {
    render(g->tuple, depth + 1, out, max_chars);
    out += "." + std::to_string(g->index);
  } else if (auto* i = as<IfNode>(e)) {
    out += "if (";
    render(i->cond, depth + 1, out, max_chars);
    out += ") { ... }";
  } else if (auto* gv = as<GlobalVarNode>(e)) {
    out += "@" + gv->name;
  } else {
    out += std::string(expr_kind_name(e->kind)) + " ...";
  }
}

}  // namespace

std::string ir_comment(const Expr& e, size_t max_chars) {
  std::string out;
  render(e, 0, out, max_chars);
  if (out.size() > max_chars) out = out.substr(0, max_chars) + "...";
  return comment_safe(out);
}

std::string comment_safe(const std::string& text) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    auto u = static_cast<unsigned char>(text[i]);
    if (u < 0x20 || u == 0x7f) out += {'\\', 'x', hex[u >> 4], hex[u & 15]};
    else if (text[i] == '*' && i + 1 < text.size() && text[i + 1] == '/') out += "*\\";
    else out += text[i];
  }
  size_t last = out.find_last_not_of(' ');
  if (last != std::string::npos && out[last] == '\\') out += '.';
  return out;
}

}  // namespace weft::codegen
