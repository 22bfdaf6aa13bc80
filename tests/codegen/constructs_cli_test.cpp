// constructs_cli_test.cpp - `weft run lib.so` passes .npz lists and absent optionals as `weft run model.weft` does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "CompiledModel.h"
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

}  // namespace
}  // namespace weft::testing
