// workspace_test.cpp - the runtime's per-run buffer pool: reuse inside a run, outputs that outlive it.
#include <gtest/gtest.h>

#include <thread>

#include "weft/rt/Tensor.h"

namespace {

using weft_rt::Tensor;
using weft_rt::Workspace;
using weft_rt::WorkspaceScope;

TEST(Workspace, OutsideARunBuffersComeFromTheSystem) {
  ASSERT_EQ(Workspace::current(), nullptr);
  Tensor t = Tensor::empty<float>({4, 4});
  t.data<float>()[15] = 1.5f;
  EXPECT_EQ(t.data<float>()[15], 1.5f);
}

TEST(Workspace, AFreedBufferIsReusedBySameSizedAllocations) {
  auto ws = std::make_shared<Workspace>();
  {
    WorkspaceScope scope(ws);
    EXPECT_EQ(Workspace::current(), ws.get());
    const void* first = nullptr;
    {
      Tensor a = Tensor::empty<float>({8, 8});
      first = a.data<float>();
    }
    Tensor b = Tensor::empty<float>({64});  // same bytes, another shape
    EXPECT_EQ(b.data<float>(), first);
    Tensor c = Tensor::empty<double>({3});  // another size: a fresh block
    EXPECT_NE(c.data<double>(), first);
  }
  EXPECT_EQ(Workspace::current(), nullptr);
  EXPECT_EQ(ws->stats().fresh, 2u);
  EXPECT_EQ(ws->stats().reused, 1u);
}

TEST(Workspace, ALoopAllocatesOnlyItsLiveSet) {
  auto ws = std::make_shared<Workspace>();
  {
    WorkspaceScope scope(ws);
    Tensor acc = Tensor::scalar<int64_t>(0);
    for (int i = 0; i < 10000; ++i) {
      Tensor step = Tensor::scalar<int64_t>(i);
      Tensor next = Tensor::scalar<int64_t>(acc.item<int64_t>() + step.item<int64_t>());
      acc = next;
    }
    EXPECT_EQ(acc.item<int64_t>(), int64_t(10000) * 9999 / 2);
  }
  EXPECT_LE(ws->stats().fresh, 4u);
  EXPECT_GE(ws->stats().reused, 19990u);
}

TEST(Workspace, AnOutputOutlivesItsRunAndIsReleasedFromAnotherThread) {
  Tensor out;
  {
    WorkspaceScope scope(std::make_shared<Workspace>());
    Tensor scratch = Tensor::empty<float>({1024});
    out = Tensor::empty<float>({1000});
    for (int i = 0; i < 1000; ++i) out.data<float>()[i] = float(i);
  }  // the run ends: cached blocks freed, `out` still holds its buffer and the workspace
  EXPECT_EQ(out.data<float>()[999], 999.0f);
  std::thread([t = std::move(out)]() mutable { t = Tensor(); }).join();  // freed on another thread
}

}  // namespace
