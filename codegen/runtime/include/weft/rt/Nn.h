// Nn.h - the nn kernels of the runtime: convolution, pooling, normalization, recurrent layers, more reductions.
#pragma once

#include "weft/rt/Conv.h"
#include "weft/rt/Gemm.h"
#include "weft/rt/Matmul.h"
#include "weft/rt/NnCommon.h"
#include "weft/rt/Norm.h"
#include "weft/rt/Pool.h"
#include "weft/rt/ReduceMore.h"
#include "weft/rt/RnnLayer.h"
