// Weights.cpp - the constant blob and its declarations in the generated source (embedded or sidecar).
#include "codegen/Weights.h"

#include <cstdio>

#include "ir/ops/CpuEmit.h"
#include "weft/rt/Hash.h"

namespace weft::codegen {

namespace {

// A C string literal for a file name: model strings never become code.
std::string c_string(const std::string& s) {
  std::string r = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      r += '\\';
      r += char(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      r += buf;
    } else {
      r += char(c);
    }
  }
  return r + "\"";
}

std::string view_expr(const std::string& base, size_t offset, const std::string& ctype, const std::string& dims) {
  return "weft_rt::Tensor::constant(" + base + " + " + std::to_string(offset) + ", weft_rt::dl_dtype<" + ctype + ">(), {" + dims + "})";
}

}  // namespace

std::string Weights::add(const Tensor& t, const std::string& ir) {
  std::string bytes(static_cast<const char*>(t.raw()), t.nbytes());
  std::string key = std::string(dtype_name(t.dtype())) + shape_str(t.shape()) + bytes;
  if (auto it = by_content_.find(key); it != by_content_.end()) return it->second;
  blob_.resize((blob_.size() + 63) / 64 * 64, '\0');
  const size_t offset = blob_.size();
  blob_ += bytes;
  std::string name = "const_" + std::to_string(entries_.size());
  by_content_[key] = name;
  std::string dims;
  for (int64_t d : t.shape()) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
  entries_.push_back({name, ir, cpu_ctype(t.dtype(), "constant"), dims, offset});
  return name;
}

std::string Weights::declarations(bool shared) const {
  return sidecar_.empty() ? embedded_declarations(shared) : external_declarations(shared);
}

std::string Weights::extern_declarations() const {
  std::string s = sidecar_.empty() ? "extern \"C\" __attribute__((visibility(\"hidden\"))) const unsigned char weft_weights[];\n" : "";
  for (const Entry& e : entries_) {
    if (sidecar_.empty()) {
      s += "extern const weft_rt::Tensor " + e.name + ";\n";
    } else {
      s += "extern weft_rt::Tensor " + e.name + "_slot;\n";
      s += "static const weft_rt::Tensor& " + e.name + " = " + e.name + "_slot;\n";
    }
  }
  return s;
}

std::string Weights::embedded_declarations(bool shared) const {
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
      "extern \"C\" __attribute__((visibility(\"hidden\"))) const unsigned char weft_weights[];\n"
      "static const weft_rt::WeightsSource* const weft_weights_source = nullptr;  // embedded: nothing to load\n\n";
  for (const Entry& e : entries_) {
    s += "// " + e.comment + "\n";
    s += std::string(shared ? "extern" : "static") + " const weft_rt::Tensor " + e.name + " = " +
         view_expr("weft_weights", e.offset, e.ctype, e.dims) + ";\n";
  }
  return s;
}

std::string Weights::external_declarations(bool shared) const {
  // Each constant is a const reference to a tensor that weft_bind_weights points into the
  // mapped sidecar; create() calls it once, before any run can read a constant.
  std::string s = "// Weights live in " + c_string(sidecar_) + " beside the library (weft compile --weights external).\n";
  std::string bind = "static void weft_bind_weights(const unsigned char* weft_weights) {\n";
  for (const Entry& e : entries_) {
    s += "// " + e.comment + "\n";
    s += std::string(shared ? "" : "static ") + "weft_rt::Tensor " + e.name + "_slot;\n";
    s += "static const weft_rt::Tensor& " + e.name + " = " + e.name + "_slot;\n";
    bind += "  " + e.name + "_slot = " + view_expr("weft_weights", e.offset, e.ctype, e.dims) + ";\n";
  }
  if (entries_.empty()) bind += "  (void)weft_weights;\n";
  bind += "}\n";
  char hash[32];
  std::snprintf(hash, sizeof hash, "0x%016llxull", static_cast<unsigned long long>(weft_rt::weights_hash(blob_.data(), blob_.size())));
  s += bind;
  s += "static weft_rt::WeightsState weft_weights_state;\n";
  s += "static const weft_rt::WeightsSource weft_weights_source_table = {" + c_string(sidecar_) + ", " + std::to_string(blob_.size()) +
       "ull, " + hash + ", weft_bind_weights, &weft_weights_state};\n";
  s += "static const weft_rt::WeightsSource* const weft_weights_source = &weft_weights_source_table;\n\n";
  return s;
}

}  // namespace weft::codegen
