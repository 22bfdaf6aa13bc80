// TsValue.h - torch-free form of TorchScript values during translation: typed IR expressions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/Expr.h"

namespace weft::ts {

// An IR expression with the type the importer tracked for it (ops typed by their type
// relations as they are emitted, so converters know dtypes and ranks).
struct TExpr {
  Expr e;
  Type t;
  const TensorTypeNode* tensor() const { return as_tensor(t); }
  DType dtype() const;
  int rank() const;
  const Tensor* constant() const;  // value when `e` is a Constant
};

// What a TorchScript value is. Int, Float and Bool are rank-0 tensors i64[], f64[], bool[].
enum class Kind { Tensor, Int, Float, Bool, None, List, Tuple, Option, String, Device, Other, Uninit, Dict };
const char* kind_name(Kind k);

// A TorchScript value. Lists and tuples are static (elements known one by one at import
// time) until they must cross a boundary (if, loop, a mutation inside a loop), where lists
// become List ADT values and tuples IR tuples. A Dict (str keys) is static only: `keys`
// known at import time in insertion order, `elems` the values; materialized as the tuple
// of its values (how forward's dict result leaves @main).
struct TsVal {
  Kind kind = Kind::Other;
  TExpr v;                  // Tensor/Int/Float/Bool, dynamic List, Option, dynamic Tuple
  bool is_static = false;   // List/Tuple: `elems` are the elements
  std::vector<TsVal> elems;
  std::vector<std::string> keys;  // Dict: its keys, one per element of `elems`
  // Int (or a 0-dim tensor made of one): the symbolic tensor dim it was read from by
  // size(), so a reshape to sizes read off its input keeps their symbols in its type.
  std::optional<Dim> size_dim;
  Kind elem_kind = Kind::Other;  // List: kind of its elements; Option: kind of its payload
  std::optional<std::string> str;  // String/Device when known

  static TsVal tensor(TExpr e) { return make(Kind::Tensor, std::move(e)); }
  static TsVal make(Kind k, TExpr e) {
    TsVal v;
    v.kind = k;
    v.v = std::move(e);
    return v;
  }
  static TsVal none() { TsVal v; v.kind = Kind::None; return v; }
  static TsVal string(std::optional<std::string> s) { TsVal v; v.kind = Kind::String; v.str = std::move(s); return v; }
  static TsVal static_list(Kind elem, std::vector<TsVal> elems) {
    TsVal v;
    v.kind = Kind::List;
    v.is_static = true;
    v.elem_kind = elem;
    v.elems = std::move(elems);
    return v;
  }
  static TsVal static_tuple(std::vector<TsVal> elems) {
    TsVal v;
    v.kind = Kind::Tuple;
    v.is_static = true;
    v.elems = std::move(elems);
    return v;
  }
  static TsVal static_dict(Kind value_kind) {
    TsVal v;
    v.kind = Kind::Dict;
    v.is_static = true;
    v.elem_kind = value_kind;
    return v;
  }
  // Dict: the position of `key` in `keys`, or -1.
  int64_t key_index(const std::string& key) const {
    for (size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return int64_t(i);
    return -1;
  }
  // Dict: d[key] = value, as Python does it: an existing key keeps its place, a new one goes last.
  void set_key(const std::string& key, TsVal value) {
    int64_t at = key_index(key);
    if (at >= 0) elems[size_t(at)] = std::move(value);
    else { keys.push_back(key); elems.push_back(std::move(value)); }
  }
  bool is_scalar() const { return kind == Kind::Int || kind == Kind::Float || kind == Kind::Bool; }
  bool is_tensor_like() const { return kind == Kind::Tensor || is_scalar(); }
  // The compile-time value of a scalar or tensor when known.
  const Tensor* constant() const { return is_tensor_like() ? v.constant() : nullptr; }
};

DType scalar_dtype(Kind k);  // Int -> i64, Float -> f64, Bool -> bool

}  // namespace weft::ts
