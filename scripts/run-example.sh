#!/usr/bin/env bash
# The main job on the bundled example: inspect, then run it on the committed inputs.
set -euo pipefail
BUILD="${1:-build}"
EX=models/examples
echo "== weft inspect $EX/recurrent.weft"
"$BUILD/cli/weft" inspect "$EX/recurrent.weft"
echo "== weft run $EX/recurrent.weft"
"$BUILD/cli/weft" run "$EX/recurrent.weft" --input x="$EX/x.npy" --input steps="$EX/steps.npy" --out "$BUILD/example-out"
