// HostTypes.cpp - IR types as the host C++ types of the generated source.
#include "codegen/HostTypes.h"

#include <cstdio>

namespace weft::codegen {

std::string cpp_type(const Type& t, const Span& where, const Target& target) {
  if (auto* tt = as_tensor(t)) return target.tensor_type(tt->dtype);
  if (auto* tup = as_tuple(t)) {
    std::string s = "std::tuple<";
    for (size_t i = 0; i < tup->fields.size(); ++i) s += (i ? ", " : "") + cpp_type(tup->fields[i], where, target);
    return s + ">";
  }
  // Every ADT is one C++ type: its fields' types are known wherever they are read.
  if (as_adt(t)) return "weft_rt::Adt";
  if (auto* ref = as_ref(t)) return "weft_rt::Cell<" + cpp_type(ref->inner, where, target) + ">";
  if (auto* f = as_func(t)) {
    if (!f->type_params.empty())
      throw CompileError(where, Msg() << target.name() << " code generation does not support polymorphic function values yet (" << type_str(t)
                                      << "); give the closure concrete parameter types");
    std::string s = "weft_rt::Fn<" + cpp_type(f->ret, where, target) + "(";
    for (size_t i = 0; i < f->params.size(); ++i) s += (i ? ", " : "") + cpp_type(f->params[i], where, target);
    return s + ")>";
  }
  throw CompileError(where, Msg() << target.name() << " code generation: no C++ type for " << type_str(t)
                                  << " (a type variable left after instantiating polymorphic functions)");
}

std::vector<Type> ctor_field_types(const ConstructorNode& c, const Type& adt) {
  auto* a = as_adt(adt);
  WEFT_ASSERT(a && a->args.size() == c.adt_params.size(), "constructor used at a type that is not its ADT");
  std::vector<std::pair<TypeVar, Type>> subst;
  for (size_t i = 0; i < c.adt_params.size(); ++i) subst.emplace_back(c.adt_params[i], a->args[i]);
  std::vector<Type> fields;
  for (const Type& f : c.fields) fields.push_back(substitute(f, subst));
  return fields;
}

std::string ctor_field_cpp_types(const ConstructorNode& c, const Type& adt, const Span& where, const Target& target) {
  std::string s;
  for (const Type& f : ctor_field_types(c, adt)) s += (s.empty() ? "" : ", ") + cpp_type(f, where, target);
  return s;
}

std::string c_string(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      r += '\\';
      r += c;
    } else if (u < 0x20 || u >= 0x7f || c == '?') {  // control bytes, UTF-8 and trigraph starters as octal escapes
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", u);
      r += buf;
    } else {
      r += c;
    }
  }
  return r + "\"";
}

}  // namespace weft::codegen
