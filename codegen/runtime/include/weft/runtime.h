// runtime.h - the header-only runtime every generated artifact includes (it knows no IR).
#pragma once

#include "weft/weft.h"
#include "weft/rt/Api.h"
#include "weft/rt/Elementwise.h"
#include "weft/rt/Kernels.h"
#include "weft/rt/Matmul.h"
#include "weft/rt/Nn.h"
#include "weft/rt/Reduce.h"
#include "weft/rt/ShapeFn.h"
#include "weft/rt/Tensor.h"
#include "weft/rt/Values.h"
#ifdef WEFT_RT_PRECOMPILED
#include "weft/rt/Precompiled.h"  // the heavy kernels and the API table come from libweft_rt_<level>.a
#endif
