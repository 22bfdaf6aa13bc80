#!/usr/bin/env bash
# resnet18_check.sh - fold-batch-norm on a real model: torchvision resnet18 exported to ONNX with
# its BatchNormalization nodes kept (eval mode, training=PRESERVE, do_constant_folding=False,
# running statistics and affine parameters randomized so there is something to fold), compiled
# by `weft compile` at -O0 (no folding) and -O2 (folding), both libraries checked against ONNX
# Runtime (or the interpreter without it) by `weft check --lib`, and the op counts compared.
# Too slow for ctest (two C++ builds of a 70-op CNN); run by hand:
#   tests/opt/fold_batch_norm/resnet18_check.sh BUILD_DIR [ORT_LIB]
# Needs /usr/bin/python3 with torch, torchvision and onnx. Exit status 0: both within tolerance,
# every batch_norm folded.
set -euo pipefail
build=$(cd "${1:?usage: resnet18_check.sh BUILD_DIR [ORT_LIB]}" && pwd)
ort=${2:-${WEFT_ORT_LIB:-}}
weft="$build/cli/weft"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

/usr/bin/python3 - <<'PY'
import torch, torchvision, onnx
from torch.onnx import TrainingMode
torch.manual_seed(0)
m = torchvision.models.resnet18(weights=None)
for mod in m.modules():
    if isinstance(mod, torch.nn.BatchNorm2d):
        with torch.no_grad():
            mod.running_mean.uniform_(-0.5, 0.5); mod.running_var.uniform_(0.5, 2.0)
            mod.weight.uniform_(0.5, 1.5); mod.bias.uniform_(-0.5, 0.5)
m.eval()
torch.onnx.export(m, torch.randn(1, 3, 224, 224), "resnet18.onnx", input_names=["x"], output_names=["y"],
                  opset_version=17, training=TrainingMode.PRESERVE, do_constant_folding=False)
nodes = [n.op_type for n in onnx.load("resnet18.onnx").graph.node]
print(f"exported: {len(nodes)} ONNX nodes, {nodes.count('BatchNormalization')} BatchNormalization")
assert nodes.count("BatchNormalization") == 20
PY

# Op calls in the module after the -O2 passes that matter here, counted per op.
count_ops() { grep -oE '\b[a-z_0-9]+\(' | sed 's/($//' | grep -vE '^(def|fn|if|let|const|main|attrs)$' | sort | uniq -c | sort -rn; }
"$weft" inspect resnet18.onnx --input-shape x=1,3,224,224 --after to-a-normal-form -O0 > o0.weft
"$weft" inspect resnet18.onnx --input-shape x=1,3,224,224 --after fold-batch-norm -O2 > o2.weft
n0=$(count_ops < o0.weft | awk '{s += $1} END {print s}')
n2=$(count_ops < o2.weft | awk '{s += $1} END {print s}')
bn2=$(grep -c 'batch_norm(' o2.weft || true)
echo "op calls: -O0 $n0, -O2 $n2 (batch_norm left at -O2: $bn2)"

for level in 0 2; do
  "$weft" compile resnet18.onnx -o "libr18_O$level.so" --input-shape x=1,3,224,224 -O$level --no-cache -q
done
oracle=(--oracle interpreter)
[ -n "$ort" ] && oracle=(--oracle onnxruntime --ort-lib "$ort")
status=0
for level in 0 2; do
  echo "== -O$level library vs ${oracle[1]}"
  "$weft" check resnet18.onnx --lib "libr18_O$level.so" "${oracle[@]}" --trials 2 || status=1
done
[ "$bn2" = 0 ] || status=1
exit $status
