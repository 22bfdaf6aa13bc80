// SharedFunctors.cpp - finds captureless lambda literals in an operator call's text by bracket matching.
#include "codegen/cpu/SharedFunctors.h"

#include <cctype>

#include "ir/ops/CpuFunctorCatalogue.h"

namespace weft::codegen {

namespace {

// The call whose argument list holds the lambda at `at`: "weft_rt::binary<float, float, float>"
// when the text before the lambda is `weft_rt::binary<float, float, float>(x, y, `; empty when
// the enclosing call has no template arguments (only unary and binary are in the catalogue).
std::string enclosing_call(const std::string& expr, size_t at) {
  int depth = 0;
  for (size_t i = at; i-- > 0;) {
    if (expr[i] == ')') ++depth;
    if (expr[i] != '(') continue;
    if (depth-- > 0) continue;
    if (i == 0 || expr[i - 1] != '>') return "";
    int angles = 0;
    size_t open = i - 1;
    for (;; --open) {
      if (expr[open] == '>') ++angles;
      if (expr[open] == '<' && --angles == 0) break;
      if (open == 0) return "";
    }
    size_t begin = open;
    while (begin > 0 && (std::isalnum(static_cast<unsigned char>(expr[begin - 1])) || expr[begin - 1] == '_' || expr[begin - 1] == ':')) --begin;
    return expr.substr(begin, i - begin);
  }
  return "";
}

}  // namespace

std::string SharedFunctors::hoist(const std::string& expr) {
  std::string out;
  size_t pos = 0;
  for (size_t at; (at = expr.find("[](", pos)) != std::string::npos;) {
    const size_t params_end = cpp_past_matching(expr, at + 2);
    const size_t body = params_end == std::string::npos ? params_end : expr.find('{', params_end);
    // Only `[](params) {body}` (optionally `-> type` between): anything else is left as printed.
    bool plain = body != std::string::npos;
    for (size_t i = params_end; plain && i < body; ++i) plain = expr[i] != ';' && expr[i] != '(' && expr[i] != ')';
    const size_t end = plain ? cpp_past_matching(expr, body) : std::string::npos;
    if (end == std::string::npos) break;
    const std::string text = expr.substr(at, end - at);
    const auto& catalogue = cpu_functor_catalogue();
    if (auto pre = catalogue.find(catalogue_key(enclosing_call(expr, at), text)); pre != catalogue.end()) {
      // Compiled into the runtime archive: the struct here, and only a declaration of the kernel.
      if (precompiled_names_.insert(pre->second.name).second)
        precompiled_defs_ += catalogue_functor_struct(pre->second) + "#ifdef WEFT_RT_PRECOMPILED\n" +
                             catalogue_instantiation(pre->second, true) + "#endif\n";
      out += expr.substr(pos, at - pos) + "weft_rt::pre::" + pre->second.name + "{}";
      pos = end;
      continue;
    }
    auto [it, fresh] = names_.emplace(text, "weft_fn_" + std::to_string(names_.size()));
    if (fresh) defs_ += "const auto " + it->second + " = " + text + ";\n";
    out += expr.substr(pos, at - pos) + it->second;
    pos = end;
  }
  return out + expr.substr(pos);
}

std::string SharedFunctors::global_definitions() const {
  if (precompiled_defs_.empty()) return "";
  return "// The elementwise bodies whose kernels the runtime archive holds (ir/ops/CpuFunctorCatalogue.h).\n" + precompiled_defs_ + "\n";
}

std::string SharedFunctors::definitions() const {
  if (defs_.empty()) return "";
  return "// The elementwise bodies of the operator calls, each once (SharedFunctors.h).\n" + defs_ + "\n";
}

}  // namespace weft::codegen
