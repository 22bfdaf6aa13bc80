// op_cases_test.cpp - every registered operator against NumPy-computed cases
// (models/op_cases/*.py): its type relation, its reference kernel, and the interpreter
// running a one-call program.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/ops/OpCaseManifest.h"
#include "ir/Interpreter.h"
#include "ir/NpyIO.h"
#include "ir/OpRegistry.h"
#include "ir/TypeInference.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string cases_dir() {
  return testing::env_or("WEFT_OP_CASES_DIR", WEFT_OP_CASES_DEFAULT_DIR);
}

using testing::decode_attr;
using testing::static_type;

std::vector<std::string> families() {
  std::vector<std::string> out;
  if (!fs::exists(cases_dir())) return out;
  for (auto& e : fs::directory_iterator(cases_dir()))
    if (fs::exists(e.path() / "manifest.json")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

json load_manifest(const std::string& family) {
  std::ifstream in(fs::path(cases_dir()) / family / "manifest.json");
  return json::parse(in);
}

// Runs one case; returns "" on success or a failure description.
void run_case(const std::string& family, const json& c) {
  std::string name = c["name"];
  SCOPED_TRACE(family + "/" + name);
  const OpDef* op = OpRegistry::global().find(c["op"]);
  ASSERT_NE(op, nullptr) << "operator '" << c["op"].get<std::string>() << "' is not registered";
  Attrs attrs;
  for (auto& [k, v] : c["attrs"].items()) attrs.set(k, decode_attr(v));
  attrs = normalize_attrs(*op, attrs, Span{name, 0, 0});
  fs::path dir = fs::path(cases_dir()) / family;
  std::vector<Tensor> inputs, expected;
  for (auto& f : c["inputs"]) inputs.push_back(read_npy((dir / f.get<std::string>()).string()));
  for (auto& f : c["outputs"]) expected.push_back(read_npy((dir / f.get<std::string>()).string()));

  // The type relation, on static shapes, must predict the outputs' dtypes and shapes.
  // Inputs are offered as constants too, as the importers would for constant operands.
  std::vector<ArgInfo> args;
  for (auto& t : inputs) args.push_back({static_type(t), &t});
  Type result = op->type_relation(args, attrs);
  std::vector<Type> out_types;
  if (auto tup = as_tuple(result)) out_types = tup->fields;
  else out_types = {result};
  ASSERT_EQ(out_types.size(), expected.size()) << "type relation gives " << type_str(result);
  for (size_t i = 0; i < expected.size(); ++i) {
    auto tt = as_tensor(out_types[i]);
    ASSERT_TRUE(tt) << "output " << i << " type " << type_str(out_types[i]);
    EXPECT_EQ(tt->dtype, expected[i].dtype()) << "output " << i << " dtype from the type relation";
    ASSERT_EQ(size_t(tt->rank()), expected[i].shape().size()) << "output " << i << " rank: " << type_str(out_types[i]);
    for (int d = 0; d < tt->rank(); ++d) {
      const Dim& dim = tt->shape[size_t(d)];
      if (!dim.is_unknown()) {
        ASSERT_TRUE(dim.is_static()) << "output " << i << " dim " << d << " is " << dim.str() << " on static inputs";
        EXPECT_EQ(dim.value(), expected[i].shape()[size_t(d)]) << "output " << i << " dim " << d;
      }
    }
  }
  std::vector<Tensor> got = op->kernel(inputs, attrs);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(testing::tensors_close(got[i], expected[i], c["rtol"], c["atol"])) << "output " << i;

  // The same call as a program: @main(inputs...) { op(inputs...) }, type-checked and run by
  // the interpreter, must give the same outputs.
  std::vector<Var> params;
  std::vector<Expr> call_args;
  std::vector<Value> values;
  for (size_t i = 0; i < inputs.size(); ++i) {
    params.push_back(make_var("a" + std::to_string(i), static_type(inputs[i])));
    call_args.push_back(params.back());
    values.push_back(tensor_value(inputs[i]));
  }
  Module m;
  m.add_function("main", make_function(params, nullptr, make_op_call(op->name, call_args, attrs)));
  infer_types(m);
  Value ran = run_main(m, values);
  std::vector<Value> outs;
  if (auto tup = value_as<TupleValueNode>(ran)) outs = tup->fields;
  else outs = {ran};
  ASSERT_EQ(outs.size(), expected.size()) << "interpreter result " << value_str(ran, 200);
  for (size_t i = 0; i < outs.size(); ++i)
    EXPECT_TRUE(testing::tensors_close(value_tensor(outs[i]), expected[i], c["rtol"], c["atol"])) << "interpreter output " << i;
}

class OpCases : public ::testing::TestWithParam<std::string> {};

TEST_P(OpCases, MatchNumpy) {
  json m = load_manifest(GetParam());
  ASSERT_FALSE(m["cases"].empty());
  for (auto& c : m["cases"]) run_case(GetParam(), c);
}

INSTANTIATE_TEST_SUITE_P(Families, OpCases, ::testing::ValuesIn(families()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OpCases);

// Every registry entry has the facets the interpreter needs, and at least one case.
TEST(OpRegistry, EveryOpIsCompleteAndTested) {
  std::set<std::string> tested;
  for (auto& fam : families())
    for (json m = load_manifest(fam); auto& c : m["cases"]) tested.insert(c["op"].get<std::string>());
  ASSERT_FALSE(OpRegistry::global().all().empty());
  for (const OpDef* op : OpRegistry::global().all()) {
    EXPECT_FALSE(op->doc.empty()) << op->name << " has no doc line";
    EXPECT_TRUE(op->type_relation) << op->name << " has no type relation";
    EXPECT_TRUE(op->kernel) << op->name << " has no reference kernel";
    EXPECT_TRUE(op->emit_cpu) << op->name << " has no CPU emitter";
    EXPECT_TRUE(op->shape_cpu) << op->name << " has no run-time shape function";
    EXPECT_TRUE(tested.count(op->name)) << op->name << " has no NumPy case under models/op_cases";
    // A map (Elementwise, Broadcast) states its scalar expression, or says why it has none; any
    // other pattern has neither, since a fused loop would take the expression for the whole op.
    const bool map = op->pattern == OpPattern::Elementwise || op->pattern == OpPattern::Broadcast;
    if (map) {
      EXPECT_TRUE(bool(op->scalar_expr) != !op->no_scalar_expr.empty())
          << op->name << ": a " << op_pattern_name(op->pattern) << " op needs a scalar expression or, instead, the reason it has none";
    } else {
      EXPECT_FALSE(op->scalar_expr) << op->name << ": a scalar expression on a " << op_pattern_name(op->pattern) << " op";
      EXPECT_TRUE(op->no_scalar_expr.empty()) << op->name << ": no_scalar_expr on a " << op_pattern_name(op->pattern) << " op";
    }
    // A view shares one of the op's own arguments.
    EXPECT_TRUE(op->view_of == -1 || (op->view_of >= 0 && op->view_of < std::max(op->min_inputs, 1)))
        << op->name << ": view_of " << op->view_of << " names no argument it always has";
  }
}

// Every case of an op with a scalar expression: the expression, bound to the case's attributes
// and argument dtypes, names one element per argument and says something.
TEST(OpRegistry, ScalarExpressionsFitTheirCases) {
  int checked = 0;
  for (auto& fam : families())
    for (json m = load_manifest(fam); auto& c : m["cases"]) {
      const OpDef* op = OpRegistry::global().find(c["op"].get<std::string>());
      ASSERT_NE(op, nullptr) << c["op"];
      if (!op->scalar_expr) continue;
      const std::string name = c["name"];
      Attrs attrs;
      for (auto& [k, v] : c["attrs"].items()) attrs.set(k, decode_attr(v));
      std::vector<DType> dtypes;
      for (auto& f : c["inputs"]) dtypes.push_back(read_npy((fs::path(cases_dir()) / fam / f.get<std::string>()).string()).dtype());
      const ScalarExpr e = op->scalar_expr(normalize_attrs(*op, attrs, Span{name, 0, 0}), dtypes);
      EXPECT_EQ(e.params.size(), dtypes.size()) << op->name << " case " << name;
      EXPECT_FALSE(e.text.empty()) << op->name << " case " << name;
      ++checked;
    }
  EXPECT_GT(checked, 50) << "the manifests should hold many cases of elementwise and broadcast ops";
}

}  // namespace
}  // namespace weft
