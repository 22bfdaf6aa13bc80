// inspect_dot_test.cpp - `weft inspect --dot`: the bundled example and an ONNX model as Graphviz graphs that Graphviz itself accepts.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "tests/cli/CliFixture.h"

namespace weft {
namespace {

const std::string kRepo = WEFT_REPO_DIR;
const std::string kExample = kRepo + "/models/examples/recurrent.weft";

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class InspectDot : public Cli {
 protected:
  // `weft inspect ARGS --dot`, checked by Graphviz's own parser (dot -Tsvg); the DOT text.
  std::string dot_of(const std::string& args) {
    const testing::CommandResult r = run_weft("inspect " + args + " --dot");
    EXPECT_EQ(r.status, 0) << r.output;
    const std::string path = write("graph.dot", r.output);
    const testing::CommandResult svg = testing::run_command("dot -Tsvg " + path + " -o " + (dir_ / "graph.svg").string());
    EXPECT_EQ(svg.status, 0) << "Graphviz rejected the graph: " << svg.output << "\n" << r.output;
    return r.output;
  }
};

TEST_F(InspectDot, DrawsFunctionsBranchesAndTheLoop) {
  const std::string dot = dot_of(kExample);
  EXPECT_EQ(dot.rfind("digraph weft {", 0), 0u) << dot;
  // One cluster per function, the if's two branches, the recursive call marked as the loop.
  EXPECT_NE(dot.find("label=\"@main\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"@step\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"then\";"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"else\";"), std::string::npos) << dot;
  EXPECT_EQ(count(dot, "label=\"loop\""), 1u) << dot;
  EXPECT_EQ(count(dot, "label=\"call @step"), 2u) << dot;  // main's call and step's own
  // Every operator call of the example is one node, with its result type.
  const std::string text = run_weft("inspect " + kExample).output;
  for (const char* op : {"matmul", "tanh", "softmax", "reduce_max", "less_equal"})
    EXPECT_EQ(count(dot, "[label=\"" + std::string(op) + "\\n"), count(text, std::string(op) + "(")) << op << "\n" << dot;
  EXPECT_NE(dot.find("[label=\"tanh\\nf32[batch, 4]\""), std::string::npos) << dot;
}

TEST_F(InspectDot, KeepsNamesWithQuotesHarmless) {
  // A parameter name a DOT string must escape.
  const std::string model = write("quoted.weft", "def @main(%\"a\\\"b\": f32[2]) -> f32[2] { relu(%\"a\\\"b\") }\n");
  const testing::CommandResult text = run_weft("inspect " + model);
  ASSERT_EQ(text.status, 0) << text.output;
  const std::string dot = dot_of(model);
  EXPECT_NE(dot.find("relu"), std::string::npos) << dot;
}

}  // namespace
}  // namespace weft
