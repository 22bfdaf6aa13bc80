// IrBuilder.h - typed emission of let-chains, folding, helper functions and type joins.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "importers/torchscript/TsValue.h"
#include "ir/Module.h"

namespace weft::ts {

// The let-chain of one IR block being built (a function body or an if branch).
class Block {
 public:
  // Binds `value` to a fresh variable and returns it; constants and variables are
  // returned as they are (nothing to share).
  TExpr bind(TExpr value, const std::string& hint = "t");
  Expr finish(Expr result) const;  // the lets nested around `result`

 private:
  std::vector<std::pair<Var, Expr>> lets_;
};

// The element type of a list whose elements are not known yet (an empty `[]`): joins
// with anything, and becomes f32[] if it is still unknown where a type must be written.
Type unknown_type();
bool is_unknown(const Type& t);
Type concrete(const Type& t);  // unknown_type() replaced by f32[] anywhere inside

// The common type of two values meeting at an if or a loop: dims that differ become `?`.
// Null when they cannot meet (different dtypes, ranks or structure).
Type join_types(const Type& a, const Type& b);

// Numbers known at import time: rank-0 constants of kind Int (i64[]), Float (f64[]), Bool (bool[]).
TsVal int_const(int64_t v);
TsVal float_const(double v);
TsVal bool_const(bool b);

class IrBuilder {
 public:
  explicit IrBuilder(Module& m) : module_(m) {}
  Module& module() { return module_; }

  // op(args) typed by the op's type relation; folded to a constant when every argument is
  // one (the op's reference kernel runs at import time), else bound in `b`.
  TExpr op(Block& b, const std::string& name, std::vector<TExpr> args, const Attrs& attrs, const Span& span);
  static TExpr constant(Tensor t);
  TExpr tuple_get(Block& b, const TExpr& tuple, int index);

  // Global functions made while translating; kept aside until commit() so that a loop
  // translated again (its carried types widened) leaves no stale functions behind.
  std::string fresh_name(const std::string& hint);
  size_t checkpoint() const { return pending_.size(); }
  void rollback(size_t mark) { pending_.resize(mark); }
  void add_function(const std::string& name, Function f) { pending_.emplace_back(name, std::move(f)); }
  void commit();

  // Lists (the prelude's List ADT). `index` must be in range after normalization.
  TExpr nil(const Type& elem);
  TExpr cons(Block& b, const TExpr& head, const TExpr& tail);
  TExpr list_append(Block& b, const TExpr& list, const TExpr& x);
  TExpr list_len(Block& b, const TExpr& list);
  TExpr list_get(Block& b, const TExpr& list, const TExpr& index, const Span& span);
  TExpr list_set(Block& b, const TExpr& list, const TExpr& index, const TExpr& x, const Span& span);
  // concat (stack = unsqueeze each first) of a non-empty List of tensors along axis.
  TExpr list_concat(Block& b, const TExpr& list, int64_t axis, bool stack, const Span& span);
  TExpr some(Block& b, const TExpr& x);
  TExpr none_of(const Type& payload);
  // Some(x) => x; None fails at run time with `why`.
  TExpr unwrap(Block& b, const TExpr& option, const Span& span);
  TExpr is_none(Block& b, const TExpr& option);

  // An expression of type `t` that fails when evaluated, with `message` (a TorchScript
  // raise): `match (None) { Some(%x) => %x }` whose span carries the message.
  TExpr raise(const Type& t, const std::string& message, const Span& span);

  // One IR value standing for `v` (static lists become List values, static tuples IR tuples,
  // None/strings unit), and back: `proto` gives the TorchScript structure to rebuild.
  TExpr materialize(Block& b, const TsVal& v, const Span& span);
  TsVal unmaterialize(Block& b, const TExpr& e, const TsVal& proto);

 private:
  GlobalVar generic_helper(const std::string& name);
  Module& module_;
  std::vector<std::pair<std::string, Function>> pending_;
  std::map<std::string, GlobalVar> helpers_;
  int counter_ = 0;
};

}  // namespace weft::ts
