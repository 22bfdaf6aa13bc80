// Attrs.cpp - attribute access and printing.
#include "ir/Attrs.h"

#include <cstdio>

#include "ir/Error.h"

namespace weft {

const char* attr_kind_name(AttrKind k) {
  switch (k) {
    case AttrKind::Int: return "int";
    case AttrKind::Float: return "float";
    case AttrKind::Bool: return "bool";
    case AttrKind::String: return "string";
    case AttrKind::Ints: return "int list";
    case AttrKind::Floats: return "float list";
    case AttrKind::Strings: return "string list";
    case AttrKind::DType: return "dtype";
  }
  return "?";
}

AttrKind attr_kind(const AttrValue& v) { return static_cast<AttrKind>(v.index()); }

static std::string float_str(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  std::string s = buf;
  if (s.find_first_of(".eEni") == std::string::npos) s += ".0";  // keep it a float literal
  if (s == "inf") return "inf";
  if (s == "-inf") return "-inf";
  if (s == "nan" || s == "-nan") return "nan";
  return s;
}

static std::string quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += char(c); }
    else if (c == '\n') out += "\\n";
    else if (c < 0x20 || c >= 0x7f) { char b[8]; std::snprintf(b, sizeof b, "\\x%02x", c); out += b; }
    else out += char(c);
  }
  return out + "\"";
}

std::string attr_value_str(const AttrValue& v) {
  switch (attr_kind(v)) {
    case AttrKind::Int: return std::to_string(std::get<int64_t>(v));
    case AttrKind::Float: return float_str(std::get<double>(v));
    case AttrKind::Bool: return std::get<bool>(v) ? "true" : "false";
    case AttrKind::String: return quote(std::get<std::string>(v));
    case AttrKind::Ints: {
      std::string s = "[";
      for (auto& x : std::get<std::vector<int64_t>>(v)) s += (s.size() > 1 ? ", " : "") + std::to_string(x);
      return s + "]";
    }
    case AttrKind::Floats: {
      std::string s = "[";
      for (auto& x : std::get<std::vector<double>>(v)) s += (s.size() > 1 ? ", " : "") + float_str(x);
      return s + "]";
    }
    case AttrKind::Strings: {
      std::string s = "[";
      for (auto& x : std::get<std::vector<std::string>>(v)) s += (s.size() > 1 ? ", " : "") + quote(x);
      return s + "]";
    }
    case AttrKind::DType: return dtype_name(std::get<DType>(v));
  }
  return "?";
}

const AttrValue& Attrs::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) internal_error(__FILE__, __LINE__, "attribute '" + name + "' is not set");
  return it->second;
}

template <typename T>
static const T& get_as(const Attrs& a, const std::string& name) {
  const AttrValue& v = a.get(name);
  if (!std::holds_alternative<T>(v))
    internal_error(__FILE__, __LINE__, "attribute '" + name + "' has kind " + attr_kind_name(attr_kind(v)));
  return std::get<T>(v);
}

int64_t Attrs::get_int(const std::string& n) const { return get_as<int64_t>(*this, n); }
double Attrs::get_float(const std::string& n) const {
  const AttrValue& v = get(n);
  if (auto i = std::get_if<int64_t>(&v)) return double(*i);
  return get_as<double>(*this, n);
}
bool Attrs::get_bool(const std::string& n) const {
  const AttrValue& v = get(n);
  if (auto i = std::get_if<int64_t>(&v)) return *i != 0;
  return get_as<bool>(*this, n);
}
const std::string& Attrs::get_string(const std::string& n) const { return get_as<std::string>(*this, n); }
const std::vector<int64_t>& Attrs::get_ints(const std::string& n) const { return get_as<std::vector<int64_t>>(*this, n); }
const std::vector<double>& Attrs::get_floats(const std::string& n) const { return get_as<std::vector<double>>(*this, n); }
const std::vector<std::string>& Attrs::get_strings(const std::string& n) const { return get_as<std::vector<std::string>>(*this, n); }
DType Attrs::get_dtype(const std::string& n) const { return get_as<DType>(*this, n); }

}  // namespace weft
