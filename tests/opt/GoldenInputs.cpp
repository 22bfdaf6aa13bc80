// GoldenInputs.cpp - deterministic arguments for @main, built from its parameter types.
#include "GoldenInputs.h"

#include <map>
#include <random>
#include <stdexcept>

namespace weft::testing {

namespace {

class Generator {
 public:
  Generator(const Module& m, unsigned seed) : module_(m), rng_(seed) {}

  Value value(const Type& t, const std::string& where) {
    if (auto* tt = as_tensor(t)) return tensor_value(tensor(*tt, where));
    if (auto* tup = as_tuple(t)) {
      std::vector<Value> fields;
      for (const Type& f : tup->fields) fields.push_back(value(f, where));
      return tuple_value(std::move(fields));
    }
    auto* adt = as_adt(t);
    if (adt && adt->name == "List" && adt->args.size() == 1) {
      Value list = adt_value(module_.constructor("Nil"));
      for (int i = 0; i < 2; ++i) list = adt_value(module_.constructor("Cons"), {value(adt->args[0], where), list});
      return list;
    }
    if (adt && adt->name == "Option" && adt->args.size() == 1) return adt_value(module_.constructor("Some"), {value(adt->args[0], where)});
    throw std::runtime_error(where + " has type " + type_str(t) + ", for which the golden driver generates no values");
  }

 private:
  Tensor tensor(const TensorTypeNode& t, const std::string& where) {
    if (!t.has_rank()) throw std::runtime_error(where + " has unknown rank (" + tensor_type_str(t) + "); give it a rank to run the case");
    std::vector<int64_t> shape;
    for (const Dim& d : t.shape) {
      if (d.is_unknown()) {
        shape.push_back(2);
        continue;
      }
      for (const std::string& s : d.symbols())
        if (!sizes_.count(s)) sizes_[s] = 3 + int64_t(sizes_.size());
      auto v = d.evaluate(sizes_);
      if (!v || *v < 0) throw std::runtime_error(where + ": dim '" + d.str() + "' has no size when its symbols are small");
      shape.push_back(*v);
    }
    Tensor raw(DType::F64, shape);
    std::uniform_real_distribution<double> real(-2, 2);
    std::uniform_int_distribution<int> integer(0, 4);
    const bool floating = is_float(t.dtype);
    for (int64_t i = 0; i < raw.numel(); ++i)
      raw.data<double>()[i] = t.dtype == DType::Bool ? integer(rng_) % 2 : floating ? real(rng_) : integer(rng_);
    return raw.cast(t.dtype);
  }

  const Module& module_;
  std::mt19937 rng_;
  std::map<std::string, int64_t> sizes_;
};

}  // namespace

std::vector<Value> generate_main_inputs(const Module& m, unsigned seed) {
  Function main = m.main();
  if (!main) throw std::runtime_error("the module has no @main to run");
  Generator gen(m, seed);
  std::vector<Value> args;
  for (const Var& p : main->params)
    args.push_back(gen.value(p->checked_type ? p->checked_type : p->annotation, "@main parameter %" + p->name_hint));
  return args;
}

}  // namespace weft::testing
