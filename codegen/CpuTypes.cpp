// CpuTypes.cpp - IR types as C++ types of the generated source.
#include "codegen/CpuTypes.h"

#include "ir/ops/CpuEmit.h"

namespace weft::codegen {

std::string cpp_type(const Type& t, const Span& where) {
  if (auto* tt = as_tensor(t)) {
    cpu_ctype(tt->dtype, "");  // rejects dtypes the runtime has no element type for
    return "weft_rt::Tensor";
  }
  if (auto* tup = as_tuple(t)) {
    std::string s = "std::tuple<";
    for (size_t i = 0; i < tup->fields.size(); ++i) s += (i ? ", " : "") + cpp_type(tup->fields[i], where);
    return s + ">";
  }
  throw CompileError(where, Msg() << "CPU code generation does not support values of type " << type_str(t)
                                  << " yet (closures, ADTs and references are not lowered)");
}

}  // namespace weft::codegen
