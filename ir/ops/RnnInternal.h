// RnnInternal.h - private helpers of the rnn family: gate activation functions (ONNX names).
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "ir/ops/NnInternal.h"

namespace weft {

enum class ActKind { Sigmoid, Tanh, Relu, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus, Affine };

// One gate activation with its parameters (used by those that take them).
struct Activation {
  ActKind kind = ActKind::Tanh;
  double alpha = 0, beta = 0;
};

// ONNX activation name (case-insensitive: "Sigmoid", "tanh", "LeakyRelu", ...) -> kind.
std::optional<ActKind> parse_act_kind(const std::string& name);
bool act_takes_alpha(ActKind k);
bool act_takes_beta(ActKind k);
double act_default_alpha(ActKind k);
double act_default_beta(ActKind k);
// The gate activations of each of `dirs` directions of layer `op` ("lstm", "gru" or "rnn"), its
// attributes' names and alpha/beta (consumed in order) or the defaults; TypeRelationError if bad.
std::vector<std::vector<Activation>> rnn_layer_activations(const std::string& op, const Attrs& attrs, int64_t dirs);

// Applies `a` in place to n contiguous values; the switch is outside the loops.
template <typename C>
void apply_activation(const Activation& a, C* v, int64_t n) {
  const C al = C(a.alpha), be = C(a.beta);
  switch (a.kind) {
    case ActKind::Sigmoid:
      for (int64_t i = 0; i < n; ++i) v[i] = C(1) / (C(1) + std::exp(-v[i]));
      return;
    case ActKind::Tanh:
      for (int64_t i = 0; i < n; ++i) v[i] = std::tanh(v[i]);
      return;
    case ActKind::Relu:
      for (int64_t i = 0; i < n; ++i) v[i] = v[i] > C(0) ? v[i] : C(0);
      return;
    case ActKind::LeakyRelu:
      for (int64_t i = 0; i < n; ++i) v[i] = v[i] >= C(0) ? v[i] : al * v[i];
      return;
    case ActKind::ThresholdedRelu:
      for (int64_t i = 0; i < n; ++i) v[i] = v[i] > al ? v[i] : C(0);
      return;
    case ActKind::ScaledTanh:
      for (int64_t i = 0; i < n; ++i) v[i] = al * std::tanh(be * v[i]);
      return;
    case ActKind::HardSigmoid:
      for (int64_t i = 0; i < n; ++i) v[i] = std::max(C(0), std::min(C(1), al * v[i] + be));
      return;
    case ActKind::Elu:
      for (int64_t i = 0; i < n; ++i) v[i] = v[i] >= C(0) ? v[i] : al * (std::exp(v[i]) - C(1));
      return;
    case ActKind::Softsign:
      for (int64_t i = 0; i < n; ++i) v[i] = v[i] / (C(1) + std::fabs(v[i]));
      return;
    case ActKind::Softplus:
      for (int64_t i = 0; i < n; ++i) v[i] = v[i] > C(30) ? v[i] : std::log1p(std::exp(v[i]));
      return;
    case ActKind::Affine:
      for (int64_t i = 0; i < n; ++i) v[i] = al * v[i] + be;
      return;
  }
}

}  // namespace weft
