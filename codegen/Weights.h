// Weights.h - the model's constants laid out in one binary blob: embedded with .incbin, or a sidecar file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/Tensor.h"

namespace weft::codegen {

// Collects constants into one blob (each 64-byte aligned, identical ones stored once)
// and writes the C++ declarations that view them in place: no giant array literal, no
// copy at load time.
//
// Embedded (the default), the assembler includes the blob as read-only data and each
// constant is a `static const weft_rt::Tensor` over it. External (`sidecar_file` set), the
// library records the file's name, size and hash; create() maps the file (once per
// library) and binds each constant to it before any run, through weft_weights_source.
class Weights {
 public:
  explicit Weights(std::string sidecar_file = "") : sidecar_(std::move(sidecar_file)) {}
  // The C++ name of the global tensor holding `t` (const_0, const_1, ...); `ir` is a comment.
  std::string add(const Tensor& t, const std::string& ir);
  const std::string& blob() const { return blob_; }
  // The constants' declarations and `weft_weights_source` (nullptr when embedded), which
  // the model description hands to the runtime.
  // `shared`: for a library of several translation units (EmitModule.h), the constants are
  // defined with external linkage, for the other units' extern_declarations() to name.
  std::string declarations(bool shared = false) const;
  // The other translation units' view of the constants declared with `shared`.
  std::string extern_declarations() const;

 private:
  struct Entry {
    std::string name, comment, ctype, dims;
    size_t offset;
  };
  std::string embedded_declarations(bool shared) const;
  std::string external_declarations(bool shared) const;

  std::string sidecar_;
  std::string blob_;
  std::map<std::string, std::string> by_content_;  // dtype+shape+bytes -> name
  std::vector<Entry> entries_;
};

}  // namespace weft::codegen
