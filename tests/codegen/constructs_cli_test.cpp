// constructs_cli_test.cpp - `weft run lib.so` passes .npz lists and absent optionals as `weft run model.weft` does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ValueRun.h"
#include "ir/NpyIO.h"
#include "tests/support/TestSupport.h"

namespace weft::testing {
namespace {

namespace fs = std::filesystem;

CommandResult weft(const std::string& args) { return run_command(std::string(WEFT_BINARY) + " " + args); }

const char* kModel = R"(
def @rev(%xs: List[f32[n]], %acc: List[f32[n]]) -> List[f32[n]] {
  match (%xs) { Cons(%h, %t) => @rev(%t, Cons(%h, %acc)), Nil => %acc }
}
def @main(%xs: List[f32[n]], %o: Option[f32[n]], %k: f32[]) -> (List[f32[n]], Option[f32[n]], Option[List[f32[n]]]) {
  let %r = @rev(%xs, Nil);
  let %scaled = match (%o) { Some(%v) => Some(mul(%v, %k)), None => None };
  let %both = match (%o) { Some(%v) => Some(Cons(%v, %r)), None => None };
  (%r, %scaled, %both)
}
)";

TEST(ConstructsCli, ListsAndOptionalsThroughRunLibraryMatchTheInterpreter) {
  const fs::path dir = fs::temp_directory_path() / ("weft_constructs_cli_" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto p = [&](const std::string& f) { return (dir / f).string(); };
  std::ofstream(p("m.weft")) << kModel;
  CommandResult c = weft("compile " + p("m.weft") + " -o " + p("libm.so"));
  ASSERT_EQ(c.status, 0) << c.output;
  write_npz(p("xs.npz"), {random_tensor(DType::F32, {4}, 1), random_tensor(DType::F32, {4}, 2), random_tensor(DType::F32, {4}, 3)});
  write_npz(p("empty.npz"), {});
  write_npy(p("o.npy"), random_tensor(DType::F32, {4}, 4));
  write_npy(p("k.npy"), Tensor::scalar<float>(2.5f));
  int run = 0;
  for (const std::string& inputs : {" --input xs=" + p("xs.npz") + " --input o=" + p("o.npy") + " --input k=" + p("k.npy"),
                                    " --input xs=" + p("xs.npz") + " --input k=" + p("k.npy"),
                                    " --input xs=" + p("empty.npz") + " --input k=" + p("k.npy")}) {
    const std::string so = p("so" + std::to_string(run)), ir = p("ir" + std::to_string(run));
    ++run;
    CommandResult lib = weft("run " + p("libm.so") + inputs + " --out " + so);
    ASSERT_EQ(lib.status, 0) << lib.output;
    CommandResult interp = weft("run " + p("m.weft") + inputs + " --out " + ir);
    ASSERT_EQ(interp.status, 0) << interp.output;
    for (const char* f : {"0.npz", "1.npy", "2.npz"}) {
      ASSERT_EQ(fs::exists(ir + "/" + f), fs::exists(so + "/" + f)) << f << "\n" << lib.output;
      if (!fs::exists(ir + "/" + f)) continue;
      std::vector<Tensor> want = std::string(f).find(".npz") != std::string::npos ? read_npz(ir + "/" + f) : std::vector<Tensor>{read_npy(ir + "/" + f)};
      std::vector<Tensor> got = std::string(f).find(".npz") != std::string::npos ? read_npz(so + "/" + f) : std::vector<Tensor>{read_npy(so + "/" + f)};
      ASSERT_EQ(want.size(), got.size()) << f;
      for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(compare(want[i], got[i]), "") << f << " element " << i;
    }
    // An absent optional output prints `none` on its line in both.
    EXPECT_EQ(interp.output.find("1: none") != std::string::npos, lib.output.find("1: none") != std::string::npos) << lib.output;
  }
  CommandResult missing = weft("run " + p("libm.so") + " --input k=" + p("k.npy"));
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.output.find("missing --input xs=PATH.npz"), std::string::npos) << missing.output;
  fs::remove_all(dir);
}

// The C99 client (c_values_client.c) passes list element j filled with j + 1, absent
// optionals and tensors of ones, dynamic dims 2, and prints each output's tensor sums.
std::string expected_client_line(int index, int kind, const Value& v) {
  std::string line = "output " + std::to_string(index) + ": kind " + std::to_string(kind);
  Value inner = v;
  if (auto* adt = value_as<AdtValueNode>(v); adt && adt->ctor->adt == "Option") {
    if (adt->ctor->name == "None") return line + " none";
    inner = adt->fields[0];
  }
  std::vector<Value> tensors = value_as<TensorValueNode>(inner) ? std::vector<Value>{inner} : value_to_list(inner);
  for (auto& t : tensors) {
    double sum = 0;
    const Tensor& x = value_tensor(t);
    for (int64_t i = 0; i < x.numel(); ++i) sum += x.data<float>()[i];
    char buf[64];
    std::snprintf(buf, sizeof buf, " %.3f", sum);
    line += buf;
  }
  return line;
}

TEST(ConstructsCli, C99ClientPassesListsAndOptionals) {
  Module m = parse_checked(kModel);
  CompiledModel lib(m, "c_values");
  CommandResult client = run_command(std::string(WEFT_C_VALUES_CLIENT) + " " + lib.path());
  ASSERT_EQ(client.status, 0) << client.output;
  EXPECT_NE(client.output.find("input 0: xs kind 1"), std::string::npos) << client.output;
  EXPECT_NE(client.output.find("bad call: run_values: input 0 'xs': is a list of tensors"), std::string::npos) << client.output;
  std::vector<Value> elems;
  for (int j = 0; j < 3; ++j) {
    Tensor t(DType::F32, {2});
    for (int i = 0; i < 2; ++i) t.data<float>()[i] = float(j + 1);
    elems.push_back(tensor_value(t));
  }
  Value ones = tensor_value(Tensor::scalar<float>(1.0f));
  std::vector<Value> want = interpret_values(m, {list_value(m, elems), none_value(m), ones});
  const int kinds[] = {WEFT_VALUE_LIST, WEFT_VALUE_OPTIONAL, WEFT_VALUE_OPTIONAL_LIST};
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(client.output.find(expected_client_line(i, kinds[i], want[size_t(i)]) + "\n"), std::string::npos)
        << expected_client_line(i, kinds[i], want[size_t(i)]) << "\n" << client.output;
}

}  // namespace
}  // namespace weft::testing
