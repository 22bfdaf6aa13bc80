// onnx_names_test.cpp - ONNX input and output names as the model spells them (`onnx::Flatten_0`, quotes, `*/`,
// newlines, a trailing backslash, two names that sanitize alike) through every interface: @main,
// the text format, the compiled library's C API and generated source, and `weft run --input`.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <nlohmann/json.hpp>

#include "codegen/cpu/EmitCpu.h"
#include "importers/onnx/OnnxImporter.h"
#include "ir/Interpreter.h"
#include "ir/NpyIO.h"
#include "ir/Parser.h"
#include "ir/Printer.h"
#include "ir/StructuralEqual.h"
#include "ir/TypeInference.h"
#include "tests/codegen/CompiledModel.h"
#include "tests/importers/OnnxTestModels.h"
#include "tests/support/TestSupport.h"

namespace weft {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// As models/onnx/make_interface_cases.py's ODD_NAMES.
const std::vector<std::string> kNames = {"onnx::Flatten_0", "say \"hi\"", "end */ here", "two\nlines", "back\\", "a:b", "a_b"};
// As its OUT_NAME.
const std::string kOutputName = "onnx::Add_5 \"sum\" */";

struct NamesCase {
  Module m;
  std::vector<Tensor> inputs;
  Tensor want;
};

NamesCase load_case() {
  const json& c = testing::onnx_test_case("names_as_spelled");
  NamesCase nc{import_onnx(c["model"]), {}, read_npy(c["runs"][0]["outputs"][0]["file"])};
  for (auto& in : c["runs"][0]["inputs"]) nc.inputs.push_back(read_npy(in["file"]));
  return nc;
}

TEST(OnnxNames, MainKeepsTheModelsNamesAndRunsThem) {
  NamesCase nc = load_case();
  const auto& params = nc.m.main()->params;
  ASSERT_EQ(params.size(), kNames.size());
  for (size_t i = 0; i < kNames.size(); ++i) EXPECT_EQ(params[i]->name_hint, kNames[i]);
  std::vector<Value> args;
  for (auto& t : nc.inputs) args.push_back(tensor_value(t));
  Value got = run_main(nc.m, args);
  EXPECT_TRUE(testing::tensors_close(value_tensor(got), nc.want, 1e-6, 1e-6));
}

TEST(OnnxNames, PrintedTextReadsBackWithTheSameNames) {
  NamesCase nc = load_case();
  std::string printed = print_module(nc.m);
  EXPECT_NE(printed.find("%\"onnx::Flatten_0\": f32[2]"), std::string::npos) << printed;
  EXPECT_NE(printed.find("%\"two\\nlines\": f32[2]"), std::string::npos) << printed;
  Module again = parse_module(printed, "names.weft");
  infer_types(again);
  for (size_t i = 0; i < kNames.size(); ++i) EXPECT_EQ(again.main()->params[i]->name_hint, kNames[i]);
  std::string why;
  EXPECT_TRUE(structural_equal(nc.m, again, &why)) << why;
  EXPECT_EQ(print_module(again), printed);
}

// Comments in generated C++ cite IR names; none may end a comment early or splice a line.
TEST(OnnxNames, GeneratedSourceKeepsNamesInStringsAndHarmlessInComments) {
  NamesCase nc = load_case();
  std::string src = codegen::emit_cpu(nc.m, "names").source;
  std::istringstream lines(src);
  int comments_citing_names = 0;
  for (std::string line; std::getline(lines, line);) {
    size_t at = line.find("//");
    if (at == std::string::npos) continue;
    std::string comment = line.substr(at);
    EXPECT_EQ(comment.find("*/"), std::string::npos) << line;
    EXPECT_NE(line.back(), '\\') << "a comment line ends in a backslash (splices the next line): " << line;
    comments_citing_names += comment.find("%\"two\\nlines\"") != std::string::npos;
  }
  EXPECT_GT(comments_citing_names, 0) << src;  // cited, escaped, on one line
  EXPECT_NE(src.find("\"onnx::Flatten_0\""), std::string::npos);
  EXPECT_NE(src.find("\"two\\012lines\""), std::string::npos);
}

TEST(OnnxNames, CompiledLibraryReportsTheExactNames) {
  NamesCase nc = load_case();
  testing::CompiledModel lib(nc.m, "names");
  ASSERT_EQ(lib.api()->num_inputs(lib.model()), int(kNames.size()));
  for (size_t i = 0; i < kNames.size(); ++i) {
    weft_tensor_info info;
    ASSERT_EQ(lib.api()->input_info(lib.model(), int(i), &info), 0);
    EXPECT_EQ(std::string(info.name), kNames[i]);
  }
  ASSERT_EQ(lib.api()->num_outputs(lib.model()), 1);
  weft_tensor_info out_info;
  ASSERT_EQ(lib.api()->output_info(lib.model(), 0, &out_info), 0);
  EXPECT_EQ(std::string(out_info.name), kOutputName);
  std::vector<Tensor> got = lib.run(nc.inputs);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(testing::tensors_close(got[0], nc.want, 1e-6, 1e-6));
}

// The name in single quotes for sh; a ' inside becomes '\''.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `weft run model.onnx --input 'NAME=x.npy' ...` with each name exactly as the model spells it,
// interpreted and compiled (the library matches names through its C API).
TEST(OnnxNames, WeftRunTakesInputsByTheirNames) {
  const json& c = testing::onnx_test_case("names_as_spelled");
  NamesCase nc = load_case();
  fs::path dir = fs::temp_directory_path() / ("weft_onnx_names_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string inputs;
  for (size_t i = 0; i < kNames.size(); ++i) inputs += " --input " + shell_quote(kNames[i] + "=" + c["runs"][0]["inputs"][i]["file"].get<std::string>());
  std::string model = c["model"].get<std::string>();
  auto r = testing::run_command(std::string(WEFT_BINARY) + " run " + shell_quote(model) + inputs + " --out " + shell_quote((dir / "interp").string()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(testing::tensors_close(read_npy((dir / "interp" / "0.npy").string()), nc.want, 1e-6, 1e-6));
  r = testing::run_command(std::string(WEFT_BINARY) + " compile " + shell_quote(model) + " -o " + shell_quote((dir / "libnames.so").string()));
  ASSERT_EQ(r.status, 0) << r.output;
  r = testing::run_command(std::string(WEFT_BINARY) + " run " + shell_quote((dir / "libnames.so").string()) + inputs + " --out " +
                           shell_quote((dir / "lib").string()));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(testing::tensors_close(read_npy((dir / "lib" / "0.npy").string()), nc.want, 1e-6, 1e-6));
  // A misspelled name is refused with the names the model has, as spelled.
  r = testing::run_command(std::string(WEFT_BINARY) + " run " + shell_quote(model) + " --input " + shell_quote("onnx__Flatten_0=x.npy"));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("onnx::Flatten_0"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace weft
