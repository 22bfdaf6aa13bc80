// Dim.h - one dimension of a tensor shape: static, symbolic (with simple arithmetic) or unknown.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace weft {

// A dimension is either unknown (`?`) or a polynomial with integer coefficients
// over named symbols (`batch`, `n*2`, `n-1`, `n*m+3`) and opaque floor divisions
// (`(n-3)/2`, as pooling produces). The polynomial is kept in canonical form, so two
// Dims are equal exactly when they are the same expression after simplification;
// a static dim is the polynomial with only a constant term.
// Symbols are global to a module: `batch` in two places is the same run-time value.
class Dim {
 public:
  Dim() : Dim(int64_t(0)) {}
  Dim(int64_t v);                              // static
  static Dim constant(int64_t v) { return Dim(v); }
  static Dim symbol(const std::string& name);
  static Dim unknown();

  bool is_unknown() const { return unknown_; }
  bool is_static() const;                      // a constant
  int64_t value() const;                       // asserts is_static()
  bool is_symbol() const;                      // exactly one symbol, coefficient 1, no constant
  std::string symbol_name() const;             // asserts is_symbol()
  std::set<std::string> symbols() const;       // every symbol mentioned

  Dim operator+(const Dim& o) const;
  Dim operator-(const Dim& o) const;
  Dim operator*(const Dim& o) const;
  Dim floordiv(const Dim& o) const;            // floor division; folds when exact
  Dim operator-() const { return Dim(0) - *this; }

  bool operator==(const Dim& o) const;
  bool operator!=(const Dim& o) const { return !(*this == o); }
  bool operator<(const Dim& o) const { return str() < o.str(); }

  // Value under a binding of symbols; nullopt if unknown or a symbol is unbound.
  std::optional<int64_t> evaluate(const std::map<std::string, int64_t>& env) const;
  std::string str() const;

 private:
  struct Atom;  // a symbol, or a floor division kept opaque
  using Monomial = std::vector<std::string>;  // sorted atom keys
  void normalize();

  bool unknown_ = false;
  std::map<Monomial, int64_t> terms_;  // monomial -> coefficient; {} is the constant term
  std::map<std::string, std::shared_ptr<const Atom>> atoms_;  // key -> atom, for evaluation
};

using Shape = std::vector<Dim>;
std::string shape_str(const Shape& s);  // "[batch, 3, ?]"

}  // namespace weft
