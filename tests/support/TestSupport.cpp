// TestSupport.cpp - shared test helpers (see TestSupport.h).
#include <cstdlib>
#include "tests/support/TestSupport.h"

#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/support/ExpectedList.h"

namespace weft::testing {

namespace {
// The suites never share a user's compile cache (~/.cache/weft): every `weft compile` they run,
// and every child process they start, takes the real compile path (WEFT_CACHE=0), unless the
// environment already says otherwise. Each suite compiles each model once, so a cache would
// only skip the compiler on a rerun, where the compile path is what the tests are meant to
// cover. compile_time_test turns the cache on for its own commands, in a directory of its own.
const bool kNoUserCache = [] { return setenv("WEFT_CACHE", "0", /*overwrite=*/0) == 0; }();
}  // namespace

::testing::AssertionResult tensors_close(const Tensor& got, const Tensor& want, double rtol, double atol) {
  if (got.dtype() != want.dtype())
    return ::testing::AssertionFailure() << "dtype " << dtype_name(got.dtype()) << ", expected " << dtype_name(want.dtype());
  if (got.shape() != want.shape())
    return ::testing::AssertionFailure() << "shape " << shape_str(got.shape()) << ", expected " << shape_str(want.shape());
  const bool exact = !is_float(want.dtype());
  int64_t bad = 0, worst = -1;
  double worst_err = -1;
  for (int64_t i = 0; i < want.numel(); ++i) {
    bool ok;
    double err = 0;
    if (exact) {
      // as_int is a bijection for every integer dtype (u64 wraps), so this is bit-exact.
      ok = got.as_int(i) == want.as_int(i);
      err = ok ? 0 : 1;
    } else {
      double g = got.as_double(i), w = want.as_double(i);
      if (std::isnan(w) || std::isnan(g)) ok = std::isnan(w) && std::isnan(g);
      else if (std::isinf(w) || std::isinf(g)) ok = g == w;
      else ok = std::fabs(g - w) <= atol + rtol * std::fabs(w);
      err = ok ? 0 : (std::isfinite(g - w) ? std::fabs(g - w) : INFINITY);
    }
    if (!ok && err > worst_err) worst_err = err, worst = i;
    bad += !ok;
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << bad << " of " << want.numel() << " elements differ; element " << worst << " is ";
  if (exact) failure << got.as_int(worst) << ", expected " << want.as_int(worst);
  else failure << got.as_double(worst) << ", expected " << want.as_double(worst);
  return failure << " (rtol " << rtol << ", atol " << atol << ")";
}

CommandResult run_command(const std::string& command) {
  std::string cmd = "( " + command + " ) 2>&1";  // the whole command, pipes and lists included
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {127, "popen failed for: " + command};
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int rc = pclose(p);
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc), out};
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string values_close(const Value& got, const Value& want, const std::string& where, double rtol, double atol) {
  if (got->kind != want->kind)
    return where + ": got a " + value_kind_name(got->kind) + ", expected a " + value_kind_name(want->kind);
  if (auto w = value_as<TensorValueNode>(want)) {
    ::testing::AssertionResult close = tensors_close(value_as<TensorValueNode>(got)->tensor, w->tensor, rtol, atol);
    return close ? "" : where + ": " + close.message();
  }
  if (auto w = value_as<AdtValueNode>(want)) {
    auto g = value_as<AdtValueNode>(got);
    if (w->ctor->adt == "List") {
      std::vector<Value> gl = value_to_list(got), wl = value_to_list(want);
      if (gl.size() != wl.size()) return Msg() << where << ": a list of " << gl.size() << ", expected " << wl.size();
      for (size_t i = 0; i < wl.size(); ++i) {
        std::string d = values_close(gl[i], wl[i], Msg() << where << "[" << i << "]", rtol, atol);
        if (!d.empty()) return d;
      }
      return "";
    }
    if (g->ctor->name != w->ctor->name) return where + ": got " + g->ctor->name + ", expected " + w->ctor->name;
    for (size_t i = 0; i < w->fields.size(); ++i) {
      std::string d = values_close(g->fields[i], w->fields[i], where, rtol, atol);
      if (!d.empty()) return d;
    }
    return "";
  }
  return values_identical(got, want) ? "" : where + ": values differ";
}

std::vector<Value> flatten_result(const Value& v) {
  std::vector<Value> out;
  if (const auto* t = value_as<TupleValueNode>(v)) {
    for (const Value& f : t->fields)
      for (const Value& x : flatten_result(f)) out.push_back(x);
    return out;
  }
  out.push_back(v);
  return out;
}

std::string env_or(const char* var, const std::string& fallback) {
  const char* v = std::getenv(var);
  return v ? v : fallback;
}

std::string outputs_close(const std::vector<Value>& got, const std::vector<Value>& want, double rtol, double atol,
                          const std::string& oracle) {
  if (got.size() != want.size())
    return std::to_string(got.size()) + " outputs, " + oracle + " " + std::to_string(want.size());
  for (size_t i = 0; i < want.size(); ++i)
    if (std::string diff = values_close(got[i], want[i], "output " + std::to_string(i), rtol, atol); !diff.empty())
      return one_line(diff);
  return "";
}

}  // namespace weft::testing
