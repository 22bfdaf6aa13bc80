#!/usr/bin/env bash
# The main job: a real model (torchvision's squeezenet1_1, exported to ONNX as a user would, random
# weights) compiled to a shared library and run through its C API, its output compared with
# PyTorch's; then the bundled recurrent example: inspect, interpreter, compile + C API, and the
# example C program built with the CMake package (weft_add_model).
set -euo pipefail
BUILD="${1:-build}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
WEFT="$BUILD/cli/weft"
EX=models/examples
REAL="$BUILD/example-real"

echo "== export torchvision squeezenet1_1 to ONNX ($EX/make_real_model.py)"
"$PY" "$EX/make_real_model.py" "$REAL"
IN="$(cat "$REAL/input_name.txt")"
echo "== weft compile $REAL/squeezenet1_1.onnx -o $BUILD/libsqueezenet.so"
"$WEFT" compile "$REAL/squeezenet1_1.onnx" -o "$BUILD/libsqueezenet.so" --name squeezenet
echo "== weft run $BUILD/libsqueezenet.so --input $IN=x.npy (through its C API)"
"$WEFT" run "$BUILD/libsqueezenet.so" --input "$IN=$REAL/x.npy" --out "$REAL/out-so"
echo "== the library's logits against PyTorch's"
"$PY" "$EX/compare_outputs.py" "$REAL/out-so/0.npy" "$REAL/torch_out.npy"

echo "== weft inspect $EX/recurrent.weft"
"$WEFT" inspect "$EX/recurrent.weft"
echo "== weft run $EX/recurrent.weft"
"$WEFT" run "$EX/recurrent.weft" --input x="$EX/x.npy" --input steps="$EX/steps.npy" --out "$BUILD/example-out"
echo "== weft compile $EX/recurrent.weft -o $BUILD/librecurrent.so"
"$WEFT" compile "$EX/recurrent.weft" -o "$BUILD/librecurrent.so"
echo "== weft run $BUILD/librecurrent.so (through its C API)"
"$WEFT" run "$BUILD/librecurrent.so" --input x="$EX/x.npy" --input steps="$EX/steps.npy" --out "$BUILD/example-out-so"
echo "== a C program built with find_package(weft) + weft_add_model (models/examples/c_app)"
APP="$BUILD/example-c-app"
cmake -S "$EX/c_app" -B "$APP" -Dweft_DIR="$(cd "$BUILD" && pwd)" > /dev/null
cmake --build "$APP" > /dev/null
"$APP/run_recurrent"
