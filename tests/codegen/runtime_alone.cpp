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

const weft_rt::ModelDesc model = {"alone", nullptr, 0, nullptr, 7, run};

}  // namespace

WEFT_RT_DEFINE_API(model, alone)

// The shape, index, misc, sort, resize and extra elementwise kernels, for a float, a narrow
// integer and bool where the op takes them (external linkage, so nothing is unused).
void weft_runtime_alone_shape_kernels(const weft_rt::Tensor* in, weft_rt::Tensor* out) {
  const std::optional<weft_rt::Tensor> none;
  out[0] = weft_rt::reshape(weft_rt::transpose<float>(in[0], {1, 0}), weft_rt::int_values(in[2], "reshape", "shape"), false);
  out[1] = weft_rt::concat<bool>({weft_rt::tile<bool>(in[3], {1, 2}), weft_rt::expand<bool>(in[3], {2, 2})}, 1);
  out[2] = std::get<1>(weft_rt::tuple_of<2>(weft_rt::split<int8_t>(in[1], 0, {1, 1}), "split"));
  out[3] = weft_rt::pad<float>(weft_rt::slice<float>(in[0], in[2], in[2], none, none), {1, 1, 1, 1}, none, 'r');
  out[4] = weft_rt::scatter_nd<float, int64_t>(weft_rt::gather<float, int32_t>(in[0], in[1], 0), in[2], in[0], weft_rt::ScatterReduce::Max);
  out[5] = weft_rt::gather_nd<bool, int64_t>(weft_rt::one_hot<bool, int8_t>(in[1], in[2], in[3], 0), in[2], 0);
  out[6] = weft_rt::non_zero<float>(weft_rt::trilu<float>(in[0], none, true));
  out[7] = std::get<0>(weft_rt::topk<int8_t>(in[1], in[2], 0, true));
  out[8] = weft_rt::resize<float>(in[0], none, in[0], none, {weft_rt::ResizeMode::Cubic, weft_rt::ResizeCoord::HalfPixel,
                                                          weft_rt::ResizeRound::PreferFloor, -0.75, false, 0.0});
  out[9] = weft_rt::clip<int8_t>(weft_rt::range<int8_t>(in[1], in[1], in[1]), in[1], none);
  out[10] = weft_rt::prelu<float>(in[0], in[0]);
  out[11] = weft_rt::binary<float, float, float>(in[0], in[0], [](float a, float b) { return weft_rt::mod_of(a, b, false); }, "mod");
}
