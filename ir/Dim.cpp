// Dim.cpp - canonical polynomial arithmetic on symbolic dimensions.
#include "ir/Dim.h"

#include <algorithm>

#include "ir/Error.h"

namespace weft {

struct Dim::Atom {
  std::string symbol;                      // set for a symbol
  std::shared_ptr<const Dim> num, den;     // set for a floor division
};

Dim::Dim(int64_t v) {
  if (v != 0) terms_[{}] = v;
}

Dim Dim::symbol(const std::string& name) {
  Dim d(0);
  d.terms_[{name}] = 1;
  d.atoms_[name] = std::make_shared<Atom>(Atom{name, nullptr, nullptr});
  return d;
}

Dim Dim::unknown() {
  Dim d(0);
  d.unknown_ = true;
  return d;
}

bool Dim::is_static() const {
  return !unknown_ && (terms_.empty() || (terms_.size() == 1 && terms_.begin()->first.empty()));
}

int64_t Dim::value() const {
  WEFT_ASSERT(is_static(), "dim " << str() << " is not static");
  return terms_.empty() ? 0 : terms_.begin()->second;
}

bool Dim::is_symbol() const {
  if (unknown_ || terms_.size() != 1) return false;
  const auto& [mono, coeff] = *terms_.begin();
  return coeff == 1 && mono.size() == 1 && !atoms_.at(mono[0])->num;
}

std::string Dim::symbol_name() const {
  WEFT_ASSERT(is_symbol(), "dim " << str() << " is not a symbol");
  return terms_.begin()->first[0];
}

std::set<std::string> Dim::symbols() const {
  std::set<std::string> out;
  for (const auto& [key, atom] : atoms_) {
    if (!atom->num) {
      out.insert(key);
    } else {
      for (auto& s : atom->num->symbols()) out.insert(s);
      for (auto& s : atom->den->symbols()) out.insert(s);
    }
  }
  return out;
}

void Dim::normalize() {
  for (auto it = terms_.begin(); it != terms_.end();) it = it->second == 0 ? terms_.erase(it) : std::next(it);
  std::set<std::string> used;
  for (const auto& [mono, c] : terms_) used.insert(mono.begin(), mono.end());
  for (auto it = atoms_.begin(); it != atoms_.end();) it = used.count(it->first) ? std::next(it) : atoms_.erase(it);
}

Dim Dim::operator+(const Dim& o) const {
  if (unknown_ || o.unknown_) return unknown();
  Dim r = *this;
  for (const auto& [mono, c] : o.terms_) r.terms_[mono] += c;
  r.atoms_.insert(o.atoms_.begin(), o.atoms_.end());
  r.normalize();
  return r;
}

Dim Dim::operator-(const Dim& o) const {
  if (unknown_ || o.unknown_) return unknown();
  Dim r = *this;
  for (const auto& [mono, c] : o.terms_) r.terms_[mono] -= c;
  r.atoms_.insert(o.atoms_.begin(), o.atoms_.end());
  r.normalize();
  return r;
}

Dim Dim::operator*(const Dim& o) const {
  if (unknown_ || o.unknown_) return unknown();
  Dim r(0);
  for (const auto& [m1, c1] : terms_) {
    for (const auto& [m2, c2] : o.terms_) {
      Monomial m = m1;
      m.insert(m.end(), m2.begin(), m2.end());
      std::sort(m.begin(), m.end());
      r.terms_[m] += c1 * c2;
    }
  }
  r.atoms_ = atoms_;
  r.atoms_.insert(o.atoms_.begin(), o.atoms_.end());
  r.normalize();
  return r;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

Dim Dim::floordiv(const Dim& o) const {
  if (unknown_ || o.unknown_) return unknown();
  if (o.is_static()) {
    int64_t k = o.value();
    if (k == 0) return unknown();
    if (k == 1) return *this;
    if (is_static()) return Dim(floor_div(value(), k));
    bool exact = true;
    for (const auto& [m, c] : terms_) exact = exact && (c % k == 0);
    if (exact) {
      Dim r = *this;
      for (auto& [m, c] : r.terms_) c /= k;
      return r;
    }
  } else if (*this == o) {
    return Dim(1);
  }
  auto atom = std::make_shared<Atom>(Atom{"", std::make_shared<Dim>(*this), std::make_shared<Dim>(o)});
  std::string num = str(), den = o.str();
  if (!is_symbol()) num = "(" + num + ")";
  if (!o.is_static() && !o.is_symbol()) den = "(" + den + ")";
  std::string key = num + "/" + den;
  Dim r(0);
  r.terms_[{key}] = 1;
  r.atoms_[key] = atom;
  return r;
}

bool Dim::operator==(const Dim& o) const {
  if (unknown_ || o.unknown_) return unknown_ && o.unknown_;
  return terms_ == o.terms_;
}

std::optional<int64_t> Dim::evaluate(const std::map<std::string, int64_t>& env) const {
  if (unknown_) return std::nullopt;
  int64_t total = 0;
  for (const auto& [mono, c] : terms_) {
    int64_t prod = c;
    for (const auto& key : mono) {
      const Atom& a = *atoms_.at(key);
      std::optional<int64_t> v;
      if (!a.num) {
        auto it = env.find(a.symbol);
        if (it != env.end()) v = it->second;
      } else {
        auto n = a.num->evaluate(env), d = a.den->evaluate(env);
        if (n && d && *d != 0) v = floor_div(*n, *d);
      }
      if (!v) return std::nullopt;
      prod *= *v;
    }
    total += prod;
  }
  return total;
}

std::string Dim::str() const {
  if (unknown_) return "?";
  if (terms_.empty()) return "0";
  std::string out;
  int64_t constant = 0;
  for (const auto& [mono, c] : terms_) {
    if (mono.empty()) { constant = c; continue; }
    std::string atoms;
    for (size_t i = 0; i < mono.size(); ++i) {
      // A division after another factor needs parentheses: m*(n/2) is not (m*n)/2.
      bool div = atoms_.at(mono[i])->num != nullptr;
      atoms += (i ? "*" : "") + (div && mono.size() > 1 ? "(" + mono[i] + ")" : mono[i]);
    }
    int64_t mag = c < 0 ? -c : c;
    if (c < 0) out += "-";
    else if (!out.empty()) out += "+";
    out += atoms;
    if (mag != 1) out += "*" + std::to_string(mag);
  }
  if (constant != 0) {
    if (out.empty()) out = std::to_string(constant);
    else out += (constant > 0 ? "+" : "-") + std::to_string(constant < 0 ? -constant : constant);
  }
  return out;
}

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + s[i].str();
  return out + "]";
}

}  // namespace weft
