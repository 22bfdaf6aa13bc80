// CheckInputs.cpp - --sweep and --input-range parsing, seeded input generation (see CheckInputs.h).
#include "cli/CheckInputs.h"

#include <functional>
#include <random>
#include <set>

#include "ir/Error.h"

namespace weft::cli {

namespace {

std::vector<int64_t> parse_ints(const std::string& list, const std::string& flag) {
  std::vector<int64_t> out;
  size_t start = 0;
  while (true) {
    const size_t comma = list.find(',', start);
    const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    try {
      size_t used = 0;
      out.push_back(std::stoll(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw CompileError(flag + ": '" + item + "' is not an integer");
    }
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

Type param_type(const Var& p) { return p->checked_type ? p->checked_type : p->annotation; }

}  // namespace

Tensor generate_tensor(const std::string& input, const TensorTypeNode& t, const std::map<std::string, int64_t>& sizes, IntRange range,
                       std::mt19937_64& rng, const std::string& size_flag) {
  if (!t.has_rank()) throw CompileError("input '" + input + "' has no known rank (" + type_str(Type(&t)) + "): give --input " + input + "=PATH.npy");
  std::vector<int64_t> shape;
  for (size_t d = 0; d < t.shape.size(); ++d) {
    const Dim& dim = t.shape[d];
    std::optional<int64_t> size = dim.is_unknown() ? std::nullopt : dim.evaluate(sizes);
    if (!size) {
      if (dim.is_symbol())
        throw CompileError(Msg() << "input '" << input << "' dim " << d << " is the symbol '" << dim.symbol_name()
                                 << "': give its size with " << size_flag << " " << dim.symbol_name() << "=N (or pass --input files)");
      throw CompileError(Msg() << "input '" << input << "' dim " << d << " is " << dim.str()
                               << ", which weft cannot size: give --input-shape " << input << "=D0,D1,... or --input " << input << "=PATH.npy");
    }
    shape.push_back(*size);
  }
  Tensor out(t.dtype, shape);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int64_t> ints(range.lo, range.hi);
  std::bernoulli_distribution coin;
  dispatch_dtype(t.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = out.data<T>();
    for (int64_t i = 0; i < out.numel(); ++i) {
      if (t.dtype == DType::Bool) p[i] = T(coin(rng));
      else if (is_float(t.dtype)) p[i] = T(float(normal(rng)));
      else p[i] = T(ints(rng));
    }
  });
  return out;
}

Sweep parse_sweep(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw CompileError("--sweep '" + text + "' must have the form SYMBOL=V1,V2,... (e.g. batch=1,3,8)");
  Sweep s{text.substr(0, eq), parse_ints(text.substr(eq + 1), "--sweep '" + text + "'")};
  for (int64_t v : s.values)
    if (v < 0) throw CompileError("--sweep '" + text + "': a size cannot be negative");
  return s;
}

std::vector<std::map<std::string, int64_t>> sweep_combinations(const std::vector<Sweep>& sweeps) {
  std::vector<std::map<std::string, int64_t>> out(1);
  for (const Sweep& s : sweeps) {
    std::vector<std::map<std::string, int64_t>> next;
    for (const auto& partial : out)
      for (int64_t v : s.values) {
        next.push_back(partial);
        next.back()[s.symbol] = v;
      }
    out = std::move(next);
  }
  return out;
}

std::pair<std::string, IntRange> parse_input_range(const std::string& text) {
  const std::string flag = "--input-range '" + text + "'";
  const size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0) throw CompileError(flag + " must have the form NAME=LO,HI");
  std::vector<int64_t> v = parse_ints(text.substr(eq + 1), flag);
  if (v.size() != 2 || v[0] > v[1]) throw CompileError(flag + " must give two integers LO,HI with LO <= HI");
  return {text.substr(0, eq), IntRange{v[0], v[1]}};
}

std::vector<Value> generate_inputs(const Module& m, const std::map<std::string, int64_t>& sizes,
                                   const std::map<std::string, IntRange>& ranges, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Value> args;
  for (const Var& p : m.main()->params) {
    const std::string& name = p->name_hint;
    const Type t = param_type(p);
    auto range = ranges.count(name) ? ranges.at(name) : IntRange{};
    if (auto* tt = as_tensor(t)) {
      args.push_back(tensor_value(generate_tensor(name, *tt, sizes, range, rng, "--sweep")));
      continue;
    }
    auto* adt = as_adt(t);
    if (adt && adt->name == "Option" && as_tensor(adt->args.at(0))) {
      args.push_back(some_value(m, tensor_value(generate_tensor(name, *as_tensor(adt->args[0]), sizes, range, rng, "--sweep"))));
      continue;
    }
    throw CompileError("input '" + name + "' has type " + type_str(t) + ", which `weft check` cannot generate: give --input " + name +
                       "=PATH (.npy, or .npz for a list)");
  }
  return args;
}

std::vector<std::string> input_symbols(const Module& m) {
  std::set<std::string> out;
  std::function<void(const Type&)> visit = [&](const Type& t) {
    if (auto* tt = as_tensor(t)) {
      for (const Dim& d : tt->shape)
        if (d.is_symbol()) out.insert(d.symbol_name());
    } else if (auto* adt = as_adt(t)) {
      for (const Type& a : adt->args) visit(a);
    }
  };
  for (const Var& p : m.main()->params) visit(param_type(p));
  return {out.begin(), out.end()};
}

}  // namespace weft::cli
