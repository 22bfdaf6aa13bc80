// PassList.h - the list of passes, one WEFT_PASS(name) line each.
//
// A pass `name` defines `const Pass& name##_pass()` in its own file (opt/<Name>Pass.cpp or
// beside its function), returning one static instance. To add a pass, append its line;
// each line stands alone, so passes written at the same time do not conflict. Included
// plainly, this file declares the functions; Pass.cpp includes it a second time with the
// macro defined to collect them (as the ONNX converter families are listed).
#include "opt/Pass.h"

#ifndef WEFT_PASS
#define WEFT_PASS(name)      \
  namespace weft {           \
  const Pass& name##_pass(); \
  }
#endif

WEFT_PASS(fuse_ops)
WEFT_PASS(specialize_inputs)
WEFT_PASS(to_a_normal_form)
WEFT_PASS(verify)
WEFT_PASS(fold_constants)
WEFT_PASS(eliminate_dead_code)
WEFT_PASS(eliminate_common_subexpr)
WEFT_PASS(inline_functions)
WEFT_PASS(simplify_algebra)
WEFT_PASS(simplify_shapes)
WEFT_PASS(fold_batch_norm)
WEFT_PASS(bind_inputs)
WEFT_PASS(unroll_loops)
