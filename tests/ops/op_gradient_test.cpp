// op_gradient_test.cpp - every operator declares its gradient (or why it has none), and every
// gradient facet matches central finite differences in f64, through the interpreter, on the
// operator cases (models/op_cases).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <climits>
#include <set>

#include "ir/Interpreter.h"
#include "ir/NpyIO.h"
#include "ir/OpRegistry.h"
#include "ir/TypeInference.h"
#include "ir/ops/GradientHelpers.h"
#include "tests/ops/OpCaseManifest.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Operators whose gradient facet is still to be written: they declare neither a facet nor a
// reason. The list only shrinks; an op leaves it when it gets one or the other.
const std::set<std::string> kGradientPending = {};

TEST(OpRegistry, EveryOpDeclaresItsGradient) {
  for (const OpDef* op : OpRegistry::global().all()) {
    const bool facet = bool(op->gradient), reason = !op->no_gradient.empty();
    if (kGradientPending.count(op->name)) {
      EXPECT_FALSE(facet || reason) << op->name << " declares its gradient now: take it off kGradientPending";
      continue;
    }
    EXPECT_TRUE(facet != reason) << op->name
                                 << ": needs a gradient facet or, instead, the reason it has none (no_gradient)";
  }
  for (const std::string& name : kGradientPending)
    EXPECT_NE(OpRegistry::global().find(name), nullptr) << name << " on kGradientPending is not an operator";
}

std::string cases_dir() { return testing::env_or("WEFT_OP_CASES_DIR", WEFT_OP_CASES_DEFAULT_DIR); }

std::vector<std::string> families() {
  std::vector<std::string> out;
  if (!fs::exists(cases_dir())) return out;
  for (auto& e : fs::directory_iterator(cases_dir()))
    if (fs::exists(e.path() / "manifest.json")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Floats become f64 so that finite differences are accurate.
Tensor widened(const Tensor& t) { return is_float(t.dtype()) && t.dtype() != DType::F64 ? t.cast(DType::F64) : t; }

// A deterministic cotangent for each output of `y`: uniform in [-1, 1] for floats, zeros otherwise.
Value cotangent_for(const Value& y, std::mt19937& rng) {
  if (const auto* tup = value_as<TupleValueNode>(y)) {
    std::vector<Value> fields;
    for (const Value& f : tup->fields) fields.push_back(cotangent_for(f, rng));
    return tuple_value(fields);
  }
  const Tensor& t = value_tensor(y);
  Tensor out(t.dtype(), t.shape());
  if (t.dtype() == DType::F64) {
    std::uniform_real_distribution<double> u(-1, 1);
    for (int64_t i = 0; i < out.numel(); ++i) out.data<double>()[i] = u(rng);
  }
  return tensor_value(out);
}

// sum over float outputs of <cotangent, output>
double pairing(const Value& y, const Value& ct) {
  if (const auto* tup = value_as<TupleValueNode>(y)) {
    const auto* ctt = value_as<TupleValueNode>(ct);
    double s = 0;
    for (size_t i = 0; i < tup->fields.size(); ++i) s += pairing(tup->fields[i], ctt->fields[i]);
    return s;
  }
  const Tensor &a = value_tensor(y), &b = value_tensor(ct);
  if (a.dtype() != DType::F64) return 0;
  double s = 0;
  for (int64_t i = 0; i < a.numel(); ++i) s += a.data<double>()[i] * b.data<double>()[i];
  return s;
}

struct GradientCase {
  const OpDef* op;
  Attrs attrs;
  std::vector<Tensor> inputs;  // widened
};

// Checks one case; returns the number of elements compared.
int check_case(const GradientCase& gc, const std::string& where) {
  const OpDef& op = *gc.op;
  std::vector<Var> params;
  std::vector<Expr> args;
  std::vector<ArgInfo> infos;
  std::vector<Type> arg_types;
  // Float inputs are parameters (differentiated); the others (indices, shapes, sizes) are
  // constants, as an importer makes them, so that type relations see their values.
  std::vector<size_t> param_of(gc.inputs.size(), SIZE_MAX);
  for (size_t i = 0; i < gc.inputs.size(); ++i) {
    arg_types.push_back(testing::static_type(gc.inputs[i]));
    if (gc.inputs[i].dtype() == DType::F64) {
      param_of[i] = params.size();
      params.push_back(make_var("a" + std::to_string(i), arg_types.back()));
      args.push_back(params.back());
      infos.push_back({arg_types.back(), nullptr});
    } else {
      args.push_back(make_constant(gc.inputs[i]));
      infos.push_back({arg_types.back(), &gc.inputs[i]});
    }
  }
  const Type result_type = op.type_relation(infos, gc.attrs);
  Var y = make_var("y", result_type), ct = make_var("ct", result_type);
  GradientCall call{args, arg_types, &gc.attrs, y, result_type, ct};
  std::vector<Expr> grads = op.gradient(call);
  EXPECT_EQ(grads.size(), args.size()) << where << ": one cotangent per argument";
  const auto shared = vjp::bind_shared_tuples(grads);
  std::vector<size_t> wrt;
  std::vector<Expr> fields;
  for (size_t i = 0; i < grads.size(); ++i)
    if (grads[i]) {
      EXPECT_TRUE(is_float(gc.inputs[i].dtype())) << where << ": a cotangent for non-float argument " << i;
      wrt.push_back(i), fields.push_back(grads[i]);
    }
  if (wrt.empty()) return 0;

  Module gm, fm;
  std::vector<Var> gparams = params;
  gparams.push_back(ct);
  Expr body = make_tuple(fields);
  for (auto it = shared.rbegin(); it != shared.rend(); ++it) body = make_let(it->first, it->second, body);
  gm.add_function("main", make_function(gparams, nullptr, make_let(y, make_op_call(op.name, args, gc.attrs), body)));
  fm.add_function("main", make_function(params, nullptr, make_op_call(op.name, args, gc.attrs)));
  infer_types(gm);
  infer_types(fm);

  std::mt19937 rng(1234);
  std::vector<Value> values;
  for (size_t i = 0; i < gc.inputs.size(); ++i)
    if (param_of[i] != SIZE_MAX) values.push_back(tensor_value(gc.inputs[i]));
  Interpreter forward(fm);
  const Value ctv = cotangent_for(forward.call("main", values), rng);
  std::vector<Value> gvalues = values;
  gvalues.push_back(ctv);
  const Value got = run_main(gm, gvalues);
  const auto* got_fields = value_as<TupleValueNode>(got);

  auto objective = [&](size_t arg, int64_t elem, double delta) {
    std::vector<Value> v = values;
    Tensor t = gc.inputs[arg].clone();
    t.data<double>()[elem] += delta;
    v[param_of[arg]] = tensor_value(t);
    return pairing(forward.call("main", v), ctv);
  };
  int compared = 0;
  for (size_t k = 0; k < wrt.size(); ++k) {
    const size_t arg = wrt[k];
    const Tensor& x = gc.inputs[arg];
    const Tensor& g = value_tensor(got_fields->fields[k]);
    EXPECT_EQ(g.shape(), x.shape()) << where << ": the cotangent of argument " << arg << " has another shape";
    if (g.shape() != x.shape()) continue;
    const Tensor g64 = widened(g);
    const int64_t n = x.numel(), step = std::max<int64_t>(1, n / 12);
    for (int64_t e = 0; e < n; e += step) {
      const double xv = x.data<double>()[e];
      const double h = 1e-6 * std::max(1.0, std::fabs(xv));
      const double f0 = objective(arg, e, 0), fp = objective(arg, e, h), fm2 = objective(arg, e, -h);
      if (!std::isfinite(f0) || !std::isfinite(fp) || !std::isfinite(fm2)) continue;
      const double central = (fp - fm2) / (2 * h), ahead = (fp - f0) / h, behind = (f0 - fm2) / h;
      const double scale = std::max({1.0, std::fabs(ahead), std::fabs(behind)});
      if (std::fabs(ahead - behind) > 1e-3 * scale) continue;  // a kink (relu at 0, ties of max): no derivative
      const double want = central, have = g64.data<double>()[e];
      EXPECT_NEAR(have, want, 1e-4 * std::max(1.0, std::fabs(want)))
          << where << ": d/d(argument " << arg << ")[" << e << "], x = " << xv;
      ++compared;
    }
  }
  return compared;
}

TEST(OpGradients, MatchFiniteDifferences) {
  std::map<std::string, int> compared;
  for (const std::string& fam : families()) {
    std::ifstream in(fs::path(cases_dir()) / fam / "manifest.json");
    json m = json::parse(in);
    for (auto& c : m["cases"]) {
      const OpDef* op = OpRegistry::global().find(c["op"].get<std::string>());
      ASSERT_NE(op, nullptr);
      if (!op->gradient) continue;
      const std::string where = fam + "/" + c["name"].get<std::string>();
      GradientCase gc{op, {}, {}};
      for (auto& [k, v] : c["attrs"].items()) gc.attrs.set(k, testing::decode_attr(v));
      gc.attrs = normalize_attrs(*op, gc.attrs, Span{where, 0, 0});
      bool any_float = false;
      for (auto& f : c["inputs"]) {
        gc.inputs.push_back(widened(read_npy((fs::path(cases_dir()) / fam / f.get<std::string>()).string())));
        any_float = any_float || gc.inputs.back().dtype() == DType::F64;
      }
      // Cases that widen to f64 must keep every float argument of one dtype (the op's rule):
      // cast's and pow's mixed cases are checked too, since everything float becomes f64.
      if (!any_float) continue;
      // Scatters that combine with mul, max or min have no gradient facet yet (it refuses them).
      if (gc.attrs.has("reduction") && gc.attrs.get_string("reduction") != "none" && gc.attrs.get_string("reduction") != "add")
        continue;
      try {
        compared[op->name] += check_case(gc, where);
      } catch (const std::exception& e) {
        ADD_FAILURE() << where << ": " << e.what();
      }
    }
  }
  int total = 0;
  for (auto& [name, n] : compared) total += n;
  std::cout << "compared " << total << " gradient elements with finite differences over " << compared.size() << " ops\n";
  for (const OpDef* op : OpRegistry::global().all()) {
    if (op->gradient) {
      EXPECT_GT(compared[op->name], 0) << op->name << ": no case compared its gradient with finite differences";
    }
  }
}

}  // namespace
}  // namespace weft
