// Kernels.h - the shape, indexing, generator, sort, resize and extra elementwise kernels, one include for runtime.h.
#pragma once

#include "weft/rt/Index.h"
#include "weft/rt/Math.h"
#include "weft/rt/Misc.h"
#include "weft/rt/Resize.h"
#include "weft/rt/Shape.h"
#include "weft/rt/Slice.h"
#include "weft/rt/Sort.h"
