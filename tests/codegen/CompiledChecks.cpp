// CompiledChecks.cpp - gtest checks shared by the compiled-code tests.
#include "CompiledChecks.h"

#include <gtest/gtest.h>

namespace weft::testing {

void expect_same(const Module& m, const CompiledModel& lib, const std::vector<Tensor>& inputs, const std::string& what, Rtol rtol) {
  std::vector<Tensor> want = interpret_flat(m, inputs), got = lib.run(inputs);
  ASSERT_EQ(want.size(), got.size()) << what;
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(compare(want[i], got[i], rtol.of(want[i].dtype())), "") << what << (what.empty() ? "" : ", ") << "output " << i;
}

void expect_run_error(const Module& m, const CompiledModel& lib, const std::vector<Tensor>& inputs, const std::string& needle) {
  EXPECT_THROW(interpret_flat(m, inputs), std::exception);
  std::vector<DLTensor> dl;
  for (const Tensor& t : inputs) dl.push_back(as_dl(t));
  const int n = lib.api()->num_outputs(lib.model());
  std::vector<DLManagedTensor*> outs(size_t(n), nullptr);
  EXPECT_NE(lib.api()->run(lib.model(), dl.data(), int(dl.size()), outs.data(), n), 0);
  const std::string msg = lib.api()->last_error();
  EXPECT_NE(msg.find(needle), std::string::npos) << "message: " << msg;
  EXPECT_EQ(msg.find("internal error"), std::string::npos) << "message: " << msg;
  for (DLManagedTensor* o : outs)
    if (o) o->deleter(o);
}

Tensor ints(std::vector<int64_t> v) {
  const int64_t n = int64_t(v.size());
  return Tensor::from_vector(v, {n});
}

Tensor int_tensor(std::vector<int64_t> shape, unsigned seed, int64_t lo) {
  Tensor t = random_tensor(DType::I64, shape, seed);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<int64_t>()[i] += lo;
  return t;
}

}  // namespace weft::testing
