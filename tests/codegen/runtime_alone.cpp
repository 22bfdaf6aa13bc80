// runtime_alone.cpp - the artifact runtime compiles on its own (only weft/weft.h and DLPack), warning-free.
#include "weft/runtime.h"

namespace {

// Instantiates every kernel once, for two element types, as generated code would.
void run_tensors(const weft_rt::Tensor* in, weft_rt::Tensor* out) {
  auto add = weft_rt::binary<float, float, float>(in[0], in[1], [](float a, float b) { return weft_rt::wrap_add(a, b); }, "add");
  auto idiv = weft_rt::binary<int64_t, int64_t, int64_t>(in[2], in[2], [](int64_t a, int64_t b) { return weft_rt::divide(a, b); }, "div");
  out[0] = weft_rt::reduce_sum<float>(add, {0}, false);
  out[1] = weft_rt::reduce_mean<int64_t>(idiv, {0}, true);
  out[2] = weft_rt::reduce_max<float>(add, {0, 1}, false);
  out[3] = weft_rt::softmax<double>(weft_rt::cast<double, float>(add), 1);
  out[4] = weft_rt::where<float>(in[3], weft_rt::matmul<float>(add, add), weft_rt::unary<float, float>(add, weft_rt::sigmoid<float>));
  out[5] = weft_rt::matmul<int64_t>(in[2], in[2]);
}

// ADT values, closures and cells as generated code uses them.
weft_rt::IoValue run_values(const weft_rt::IoValue& xs) {
  weft_rt::Adt list = weft_rt::io_list(xs, 0, 1);
  weft_rt::Cell<weft_rt::Adt> cell = weft_rt::Cell<weft_rt::Adt>::make(weft_rt::Adt::make(1));
  weft_rt::Fn<weft_rt::Adt(weft_rt::Adt)> rev = weft_rt::Fn<weft_rt::Adt(weft_rt::Adt)>::make([=](const auto& self, weft_rt::Adt l) {
    if (l.tag() != 0) return cell.get();
    const auto& f = l.fields<weft_rt::Tensor, weft_rt::Adt>();
    cell.set(weft_rt::Adt::make<weft_rt::Tensor, weft_rt::Adt>(0, std::get<0>(f), cell.get()));
    return self(std::get<1>(f));
  });
  return weft_rt::out_list(rev(list), 0);
}

void run(const weft_rt::IoValue* in, weft_rt::IoValue* out) {
  weft_rt::Tensor t[4], o[6];
  for (int i = 0; i < 4; ++i) t[i] = in[i].tensors.at(0);
  run_tensors(t, o);
  for (int i = 0; i < 6; ++i) out[i] = weft_rt::out_tensor(o[i]);
  out[6] = run_values(in[4]);
}

const weft_rt::ModelDesc model = {"alone", nullptr, 0, nullptr, 7, run, true};

}  // namespace

WEFT_RT_DEFINE_API(model, alone)
