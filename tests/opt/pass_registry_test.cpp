// pass_registry_test.cpp - the pass registry by flag name, the -O pipelines, and the dump hook.
#include <gtest/gtest.h>

#include <algorithm>

#include "ir/Parser.h"
#include "ir/TypeInference.h"
#include "opt/Pipelines.h"

namespace weft::testing {
namespace {

std::vector<std::string> names(const std::vector<const Pass*>& passes) {
  std::vector<std::string> out;
  for (const Pass* p : passes) out.push_back(p->name());
  return out;
}

TEST(PassRegistry, FindsEveryPassByItsFlagName) {
  EXPECT_EQ(names(registered_passes()),
            (std::vector<std::string>{"bind-inputs", "eliminate-common-subexpr", "eliminate-dead-code", "fold-batch-norm", "fold-constants",
                                      "fuse-ops", "inline-functions", "simplify-algebra", "simplify-shapes", "specialize-inputs",
                                      "to-a-normal-form", "unroll-loops", "verify"}));
  for (const Pass* p : registered_passes()) {
    EXPECT_EQ(&find_pass(p->name()), p);
    EXPECT_GT(std::string(p->summary()).size(), 10u) << p->name();
  }
  try {
    find_pass("fuse-everything");
    FAIL() << "an unknown pass was found";
  } catch (const CompileError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown pass 'fuse-everything' (passes: bind-inputs, eliminate-common-subexpr, eliminate-dead-code, "
                                      "fold-batch-norm, fold-constants, fuse-ops, inline-functions, simplify-algebra, simplify-shapes, "
                                      "specialize-inputs, to-a-normal-form, unroll-loops, verify)"),
              std::string::npos)
        << e.what();
  }
}

TEST(PassPipelines, EachLevelEndsWithTheFormCodegenNeedsAndSpecializesOnlyWithShapes) {
  PassContext none, shapes;
  shapes.input_shapes.push_back({"x", {2}});
  const std::vector<std::string> cleanups{"fold-constants", "eliminate-dead-code"};
  std::vector<std::string> o2 = cleanups;
  for (const char* p : {"inline-functions", "simplify-shapes", "simplify-algebra", "fold-batch-norm", "eliminate-common-subexpr"})
    o2.push_back(p);
  o2.insert(o2.end(), cleanups.begin(), cleanups.end());
  o2.push_back("fuse-ops");
  std::vector<std::string> o3 = o2;
  o3.insert(o3.begin() + 2, "unroll-loops");
  const std::vector<std::string> middle[] = {{}, cleanups, o2, o3};
  for (int level = 0; level <= 3; ++level) {
    std::vector<std::string> want = middle[level];
    want.push_back("to-a-normal-form");
    want.push_back("verify");
    EXPECT_EQ(pipeline_passes(level, none), want) << level;
    want.insert(want.begin(), "specialize-inputs");
    EXPECT_EQ(pipeline_passes(level, shapes), want) << level;
  }
  // Bound inputs start partial evaluation at every level, after the shapes.
  PassContext bound = shapes;
  bound.bound_inputs.push_back(parse_bound_input("n=3"));
  for (int level = 0; level <= 3; ++level) {
    const std::vector<std::string> got = pipeline_passes(level, bound);
    const std::vector<std::string> start(got.begin(), got.begin() + std::min<size_t>(6, got.size()));
    EXPECT_EQ(start, (std::vector<std::string>{"specialize-inputs", "bind-inputs", "fold-constants", "unroll-loops", "fold-constants",
                                               "eliminate-dead-code"}))
        << level;
  }
  EXPECT_THROW(pipeline_passes(4, none), CompileError);
  EXPECT_THROW(pipeline_passes(-1, none), CompileError);
}

TEST(PassPipelines, TheDumpHookSeesTheModuleAfterEveryPass) {
  Module m = parse_module("def @main(%x: f32[n]) -> f32[n] { relu(%x) }\n", "t.weft");
  infer_types(m);
  PassContext context;
  context.input_shapes.push_back({"x", {4}});
  std::vector<std::string> seen;
  Module out = run_pipeline(m, 0, context, [&](int index, const Pass& pass, const Module& after) {
    seen.push_back(std::to_string(index) + ":" + pass.name() + ":" + type_str(after.main()->params[0]->checked_type));
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"1:specialize-inputs:f32[4]", "2:to-a-normal-form:f32[4]", "3:verify:f32[4]"}));
  EXPECT_EQ(type_str(out.main()->params[0]->checked_type), "f32[4]");
}

}  // namespace
}  // namespace weft::testing
