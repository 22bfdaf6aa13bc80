// CpuFunctorCatalogue.cpp - enumerates the registry's elementwise CPU calls for the common dtypes and names each functor.
#include "ir/ops/CpuFunctorCatalogue.h"

#include <cstdint>
#include <cstdio>
#include <vector>

#include "ir/Error.h"
#include "ir/ops/CpuEmit.h"

namespace weft {

size_t cpp_past_matching(const std::string& s, size_t open) {
  const char o = s[open], c = o == '(' ? ')' : o == '{' ? '}' : '>';
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch == '"' || ch == '\'') {  // skip the literal, with its escapes
      for (++i; i < s.size() && s[i] != ch; ++i)
        if (s[i] == '\\') ++i;
      continue;
    }
    if (ch == o) ++depth;
    if (ch == c && --depth == 0) return i + 1;
  }
  return std::string::npos;
}

std::string catalogue_key(const std::string& call, const std::string& lambda) { return call + "|" + lambda; }

namespace {

// The dtypes a model's elementwise calls mostly run in; others keep a per-model instantiation.
const DType kCatalogueDtypes[] = {DType::F32, DType::I64, DType::Bool};

std::string hex_hash(const std::string& text) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across builds and machines
  for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// `weft_rt::unary<R, A>(A0, LAMBDA)` or `weft_rt::binary<R, A, B>(A0, A1, LAMBDA, "op")`, as
// cpu_map_emitter prints it for arguments named A0 and A1: the call and the lambda, or
// nothing for any other text (an emitter that is not a plain map).
bool split_map_call(const std::string& text, size_t arity, std::string& call, std::string& lambda) {
  const std::string head = arity == 1 ? "weft_rt::unary<" : "weft_rt::binary<";
  if (text.compare(0, head.size(), head) != 0) return false;
  const size_t targs_end = cpp_past_matching(text, head.size() - 1);
  const std::string args = arity == 1 ? "(A0, " : "(A0, A1, ";
  if (targs_end == std::string::npos || text.compare(targs_end, args.size(), args) != 0) return false;
  const size_t at = targs_end + args.size();
  if (text.compare(at, 3, "[](") != 0) return false;
  const size_t params_end = cpp_past_matching(text, at + 2);
  const size_t body = params_end == std::string::npos ? params_end : text.find('{', params_end);
  const size_t end = body == std::string::npos ? body : cpp_past_matching(text, body);
  if (end == std::string::npos) return false;
  call = text.substr(0, targs_end);
  lambda = text.substr(at, end - at);
  return true;
}

std::map<std::string, CatalogueFunctor> build_catalogue() {
  std::map<std::string, CatalogueFunctor> out;
  for (const OpDef* def : OpRegistry::global().all()) {
    if (!def->scalar_expr || !def->emit_cpu) continue;
    Attrs attrs;
    try {
      attrs = normalize_attrs(*def, Attrs{}, Span{});
    } catch (const CompileError&) {
      continue;  // a required attribute: its value is part of the body, so no default call exists
    }
    for (size_t arity = 1; arity <= 2; ++arity) {
      if (int(arity) < def->min_inputs || (def->max_inputs >= 0 && int(arity) > def->max_inputs)) continue;
      for (DType d : kCatalogueDtypes) {
        std::vector<ArgInfo> infos(arity, ArgInfo{tensor_type(d, Shape{}), nullptr});
        CpuEmitArgs a;
        try {
          const TensorTypeNode* r = as_tensor(def->type_relation(infos, attrs));
          if (!r) continue;
          a.result_dtype = r->dtype;
          a.result_dtypes = {r->dtype};
          a.result_ranks = {0};
          for (size_t i = 0; i < arity; ++i) {
            a.args.push_back("A" + std::to_string(i));
            a.arg_dtypes.push_back(d);
            a.arg_ranks.push_back(0);
          }
          a.attrs = &attrs;
          std::string call, lambda;
          if (!split_map_call(cpu_emit_op(def->emit_cpu, a), arity, call, lambda)) continue;
          const std::string key = catalogue_key(call, lambda);
          out.emplace(key, CatalogueFunctor{call, lambda, "fn_" + hex_hash(key)});
        } catch (const std::exception&) {
          continue;  // the op does not take this dtype (its type relation or emitter says so)
        }
      }
    }
  }
  return out;
}

}  // namespace

const std::map<std::string, CatalogueFunctor>& cpu_functor_catalogue() {
  static const std::map<std::string, CatalogueFunctor> catalogue = build_catalogue();
  return catalogue;
}

std::string catalogue_functor_struct(const CatalogueFunctor& f) {
  // `[](params) body` as a const call operator with the lambda's deduced return type.
  const size_t params_end = cpp_past_matching(f.lambda, 2);
  return "namespace weft_rt::pre {\nstruct " + f.name + " {\n  auto operator()" + f.lambda.substr(2, params_end - 2) + " const" +
         f.lambda.substr(params_end) + "\n};\n}  // namespace weft_rt::pre\n";
}

std::string catalogue_instantiation(const CatalogueFunctor& f, bool extern_decl) {
  const bool unary = f.call.rfind("weft_rt::unary<", 0) == 0;
  const std::string fn = "weft_rt::pre::" + f.name;
  const std::string targs = f.call.substr(0, f.call.size() - 1) + ", " + fn + ">";
  const std::string params = unary ? "(const weft_rt::Tensor&, " + fn + ")"
                                   : "(const weft_rt::Tensor&, const weft_rt::Tensor&, " + fn + ", const char*)";
  return std::string(extern_decl ? "extern " : "") + "template weft_rt::Tensor " + targs + params + ";\n";
}

std::string catalogue_archive_source() {
  std::string s =
      "// Generated by weft_functor_catalogue from the operator registry (ir/ops/CpuFunctorCatalogue.h): the\n"
      "// elementwise kernels of the common operator calls, instantiated once for every model. Do not edit.\n"
      "#include \"weft/runtime.h\"\n\n#include <cmath>\n\n";
  for (const auto& [key, f] : cpu_functor_catalogue()) s += catalogue_functor_struct(f) + catalogue_instantiation(f, false) + "\n";
  return s;
}

}  // namespace weft
