// Attrs.h - typed operator attributes (axis=1, pads=[0,0,1,1], dtype=f32).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ir/DType.h"

namespace weft {

enum class AttrKind { Int, Float, Bool, String, Ints, Floats, Strings, DType };
const char* attr_kind_name(AttrKind k);  // "int", "float", "int list", ...

using AttrValue = std::variant<int64_t, double, bool, std::string, std::vector<int64_t>, std::vector<double>,
                               std::vector<std::string>, DType>;
AttrKind attr_kind(const AttrValue& v);
std::string attr_value_str(const AttrValue& v);  // as the text format writes it: 1, 1.5, true, "s", [1, 2], f32

// The attributes of one operator call, keyed by name. By the time an op call exists,
// its attributes have been checked against the operator's schema and defaults filled
// in (see make_op_call), so kernels read them without checking.
class Attrs {
 public:
  Attrs() = default;
  Attrs(std::initializer_list<std::pair<const std::string, AttrValue>> init) : values_(init) {}

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const AttrValue& get(const std::string& name) const;  // InternalError if absent
  void set(const std::string& name, AttrValue v) { values_[name] = std::move(v); }

  int64_t get_int(const std::string& name) const;
  double get_float(const std::string& name) const;  // accepts an int value too
  bool get_bool(const std::string& name) const;
  const std::string& get_string(const std::string& name) const;
  const std::vector<int64_t>& get_ints(const std::string& name) const;
  const std::vector<double>& get_floats(const std::string& name) const;
  const std::vector<std::string>& get_strings(const std::string& name) const;
  DType get_dtype(const std::string& name) const;

  const std::map<std::string, AttrValue>& values() const { return values_; }
  bool operator==(const Attrs& o) const { return values_ == o.values_; }
  bool empty() const { return values_.empty(); }

 private:
  std::map<std::string, AttrValue> values_;
};

}  // namespace weft
