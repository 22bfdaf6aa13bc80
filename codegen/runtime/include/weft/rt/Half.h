// Half.h - the runtime's f16 and bf16 element types; they live in the exact-scalar header the interpreter shares.
#pragma once

#include "weft/rt/scalar/Scalar.h"
