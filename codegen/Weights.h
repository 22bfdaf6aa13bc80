// Weights.h - the model's constants laid out in one binary blob the artifact embeds with .incbin.
#pragma once

#include <map>
#include <string>

#include "ir/Tensor.h"

namespace weft::codegen {

// Collects constants into one blob (each 64-byte aligned, identical ones stored once)
// and writes the C++ declarations that view them in place: no giant array literal, no
// copy at load time.
class Weights {
 public:
  // The C++ name of the global tensor holding `t` (const_0, const_1, ...); `ir` is a comment.
  std::string add(const Tensor& t, const std::string& ir);
  const std::string& blob() const { return blob_; }
  // The .incbin block and one `static const weft_rt::Tensor const_N = ...;` per constant.
  std::string declarations() const;

 private:
  std::string blob_;
  std::map<std::string, std::string> by_content_;  // dtype+shape+bytes -> name
  std::string decls_;
  int count_ = 0;
};

}  // namespace weft::codegen
