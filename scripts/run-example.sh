#!/usr/bin/env bash
# The main job on the bundled example: inspect it, run it in the interpreter, then compile it
# to a shared library and run that through its C API, on the committed inputs; last, build the
# example C program with the CMake package (weft_add_model) and run it.
set -euo pipefail
BUILD="${1:-build}"
EX=models/examples
echo "== weft inspect $EX/recurrent.weft"
"$BUILD/cli/weft" inspect "$EX/recurrent.weft"
echo "== weft run $EX/recurrent.weft"
"$BUILD/cli/weft" run "$EX/recurrent.weft" --input x="$EX/x.npy" --input steps="$EX/steps.npy" --out "$BUILD/example-out"
echo "== weft compile $EX/recurrent.weft -o $BUILD/librecurrent.so"
"$BUILD/cli/weft" compile "$EX/recurrent.weft" -o "$BUILD/librecurrent.so"
echo "== weft run $BUILD/librecurrent.so (through its C API)"
"$BUILD/cli/weft" run "$BUILD/librecurrent.so" --input x="$EX/x.npy" --input steps="$EX/steps.npy" --out "$BUILD/example-out-so"
echo "== a C program built with find_package(weft) + weft_add_model (models/examples/c_app)"
APP="$BUILD/example-c-app"
cmake -S "$EX/c_app" -B "$APP" -Dweft_DIR="$(cd "$BUILD" && pwd)" > /dev/null
cmake --build "$APP" > /dev/null
"$APP/run_recurrent"
