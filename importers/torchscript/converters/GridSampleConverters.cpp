// GridSampleConverters.cpp - aten::grid_sampler (F.grid_sample, 4-D), lowered through ir/GridSample.h as ONNX's GridSample is.
#include "importers/torchscript/NodeContext.h"
#include "importers/torchscript/converters/LoweringEmitter.h"
#include "ir/GridSample.h"

namespace weft::ts {

namespace {

// grid_sampler(input, grid, int interpolation_mode, int padding_mode, bool align_corners): the
// modes are torch's enums GridSamplerInterpolation {Bilinear, Nearest, Bicubic} and
// GridSamplerPadding {Zeros, Border, Reflection}.
std::vector<TsVal> grid_sampler(NodeContext& c) {
  TExpr x = c.tensor(0), grid = c.tensor(1);
  if (x.rank() != 4 || grid.rank() != 4) c.fail("only 4-D input [N, C, H, W] and grid [N, Ho, Wo, 2] are supported");
  if (!is_float(x.dtype())) c.fail("input must be a floating-point tensor");
  const char* modes[] = {"bilinear", "nearest", "bicubic"};
  const char* paddings[] = {"zeros", "border", "reflection"};
  int64_t mode = c.int_arg(2), padding = c.int_arg(3);
  if (mode < 0 || mode > 2) c.fail(Msg() << "interpolation_mode " << mode << " is not one of torch's (0, 1, 2)");
  if (padding < 0 || padding > 2) c.fail(Msg() << "padding_mode " << padding << " is not one of torch's (0, 1, 2)");
  grid_sample::Options o{modes[mode], paddings[padding], c.bool_arg(4)};
  LoweringEmitter em{c};
  return {c.out(grid_sample::emit(x, c.cast(grid, x.dtype()), x.dtype(), o, em))};
}

}  // namespace

void register_grid_sample_converters(ConverterTable& t) {
  t.add("aten::grid_sampler", grid_sampler);
  t.add("aten::grid_sampler_2d", grid_sampler);
}

}  // namespace weft::ts
