// Pass.cpp - the registry of passes by flag name, and running a list of them.
#include "opt/Pass.h"

#include <algorithm>
#include <cstring>

#include "ir/DeepStack.h"
#include "ir/Error.h"
#include "ir/TypeInference.h"
#include "opt/PassList.h"

namespace weft {

std::vector<const Pass*> registered_passes() {
  static const std::vector<const Pass*> passes = [] {
    std::vector<const Pass*> all;
    // PassList.h again, this time collecting each pass (its first inclusion declared them).
#undef WEFT_PASS
#define WEFT_PASS(name) all.push_back(&name##_pass());
#include "opt/PassList.h"
#undef WEFT_PASS
    std::sort(all.begin(), all.end(), [](const Pass* a, const Pass* b) { return std::strcmp(a->name(), b->name()) < 0; });
    for (size_t i = 1; i < all.size(); ++i)
      WEFT_ASSERT(std::strcmp(all[i - 1]->name(), all[i]->name()) != 0, "pass '" << all[i]->name() << "' registered twice");
    return all;
  }();
  return passes;
}

const Pass& find_pass(const std::string& name) {
  std::string known;
  for (const Pass* p : registered_passes()) {
    if (p->name() == name) return *p;
    known += (known.empty() ? "" : ", ") + std::string(p->name());
  }
  throw CompileError("unknown pass '" + name + "' (passes: " + known + ")");
}

Module run_passes(Module m, const std::vector<std::string>& passes, const PassContext& context, const PassDump& dump) {
  int index = 0;
  for (const std::string& name : passes) {
    const Pass& pass = find_pass(name);
    m = pass.run(std::move(m), context);
    if (dump) dump(++index, pass, m);
  }
  return m;
}

Module rewrite_function_bodies(const Module& m, const std::function<Expr(const Function& fn)>& rewrite) {
  return with_deep_stack([&] {
    Module out = m;
    bool changed = false;
    for (const std::string& name : m.function_names()) {
      Function fn = m.function(name);
      Expr body = rewrite(fn);
      if (body.same_as(fn->body)) continue;
      out.add_function(name, make_function(fn->params, fn->ret_type, body, fn->type_params, fn->span, fn->attrs));
      changed = true;
    }
    if (changed) infer_types(out);
    return out;
  });
}

}  // namespace weft
