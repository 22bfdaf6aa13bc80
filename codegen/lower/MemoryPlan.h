// MemoryPlan.h - the memory plan of one generated function: live ranges of its op results, the
// point after which each may be released, and frame offsets for those whose shape is static.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <vector>

#include "ir/Expr.h"

namespace weft::lower {

struct PlannedSlot {
  size_t offset = 0;  // in the function's frame
  size_t block = 0;   // the buffer size the runtime's allocator asks for (bytes rounded as it rounds them)
  DType dtype = DType::F32;
};

struct MemoryPlan {
  // Op calls whose result lives at a frame slot (index into `slots`).
  std::map<const ExprNode*, int> slot_of;
  std::vector<PlannedSlot> slots;
  size_t frame_bytes = 0;  // a multiple of 64
  // After the statement of this node (an op call, or an if/match whose branches read them), the
  // results of these op calls are dead: the generated code drops its reference so their buffers
  // go back to the frame or the pool at once rather than at the end of the C++ scope.
  std::map<const ExprNode*, std::vector<const ExprNode*>> release_after;
  size_t naive_bytes = 0;  // what the slotted values would take without sharing
};

// Plans `body`, the body of a function being emitted. `type_of` gives an expression's type at the
// instance being emitted. A call of a primitive function (a fused group) counts as an op call.
// Only op results used solely as arguments of later op calls in the same
// function (not inside closures, not returned, stored or passed to functions) are released early;
// of those, single tensors of static shape get a slot. Closure bodies are not planned.
MemoryPlan plan_memory(const Expr& body, const std::function<Type(const Expr&)>& type_of);

}  // namespace weft::lower
