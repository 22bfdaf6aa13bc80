// Weights.cpp - the constant blob and its declarations in the generated source.
#include "codegen/Weights.h"

#include "ir/ops/CpuEmit.h"

namespace weft::codegen {

std::string Weights::add(const Tensor& t, const std::string& ir) {
  std::string bytes(static_cast<const char*>(t.raw()), t.nbytes());
  std::string key = std::string(dtype_name(t.dtype())) + shape_str(t.shape()) + bytes;
  if (auto it = by_content_.find(key); it != by_content_.end()) return it->second;
  blob_.resize((blob_.size() + 63) / 64 * 64, '\0');
  const size_t offset = blob_.size();
  blob_ += bytes;
  std::string name = "const_" + std::to_string(count_++);
  by_content_[key] = name;
  const std::string ct = cpu_ctype(t.dtype(), "constant");
  std::string dims;
  for (int64_t d : t.shape()) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
  decls_ += "// " + ir + "\n";
  decls_ += "static const weft_rt::Tensor " + name + " = weft_rt::Tensor::view(weft_weights + " + std::to_string(offset) +
            ", weft_rt::dl_dtype<" + ct + ">(), {" + dims + "});\n";
  return name;
}

std::string Weights::declarations() const {
  // The assembler embeds weights.bin (found through -Wa,-I<build dir>) as read-only data.
  std::string s =
      "__asm__(\".pushsection .rodata\\n\"\n"
      "        \".balign 64\\n\"\n"
      "        \".globl weft_weights\\n\"\n"
      "        \".hidden weft_weights\\n\"\n"
      "        \".type weft_weights, @object\\n\"\n"
      "        \"weft_weights:\\n\"\n"
      "        \".incbin \\\"weights.bin\\\"\\n\"\n"
      "        \".byte 0\\n\"\n"
      "        \".popsection\\n\");\n"
      "extern \"C\" __attribute__((visibility(\"hidden\"))) const unsigned char weft_weights[];\n\n";
  return s + decls_;
}

}  // namespace weft::codegen
