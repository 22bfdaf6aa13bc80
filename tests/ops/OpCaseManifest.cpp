// OpCaseManifest.cpp - reading models/op_cases manifests (see OpCaseManifest.h).
#include "tests/ops/OpCaseManifest.h"

#include <stdexcept>

#include "ir/DType.h"

namespace weft::testing {

AttrValue decode_attr(const nlohmann::json& j) {
  auto [kind, v] = *j.items().begin();
  if (kind == "int") return v.get<int64_t>();
  if (kind == "float") return v.get<double>();
  if (kind == "bool") return v.get<bool>();
  if (kind == "string") return v.get<std::string>();
  if (kind == "ints") return v.get<std::vector<int64_t>>();
  if (kind == "floats") return v.get<std::vector<double>>();
  if (kind == "strings") return v.get<std::vector<std::string>>();
  if (kind == "dtype") return *parse_dtype(v.get<std::string>());
  throw std::runtime_error("unknown attribute kind " + kind);
}

Type static_type(const Tensor& t) {
  Shape s;
  for (auto d : t.shape()) s.push_back(Dim(d));
  return tensor_type(t.dtype(), s);
}

}  // namespace weft::testing
