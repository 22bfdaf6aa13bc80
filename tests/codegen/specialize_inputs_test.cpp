// specialize_inputs_test.cpp - parsing `weft compile --input-shape NAME=D0,D1,...` (the pass itself: tests/opt/specialize_inputs/).
#include <gtest/gtest.h>

#include "ir/Error.h"
#include "opt/SpecializeInputs.h"

namespace weft::testing {
namespace {

// Which dims become static and the errors naming inputs are golden cases now:
// tests/opt/specialize_inputs/*.weft. This file keeps the parsing of the flag's text.

TEST(SpecializeInputs, ParsesShapesAndScalars) {
  InputShape s = parse_input_shape("x=1,3,224,224");
  EXPECT_EQ(s.name, "x");
  EXPECT_EQ(s.dims, (std::vector<int64_t>{1, 3, 224, 224}));
  EXPECT_TRUE(parse_input_shape("steps=").dims.empty());
  for (const char* bad : {"x", "=1", "x=1,,2", "x=1,", "x=-1", "x=1.5"}) EXPECT_THROW(parse_input_shape(bad), CompileError) << bad;
}

}  // namespace
}  // namespace weft::testing
