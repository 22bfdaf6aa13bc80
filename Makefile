# Convenience entry points; the build itself is CMake (see README.md).
BUILD ?= build
JOBS ?= 2

.PHONY: all deps configure build test test-models example bench clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

# Every test but the whole real-model corpus (label corpus_all; a representative third of it
# runs here as corpus_representative); ends with ctest's summary.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -LE corpus_all

# The whole real-model corpus (models/corpus): every model and form, generated, run in the
# interpreter and compiled; writes $(BUILD)/corpus_report.md and .json.
test-models: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -L corpus_all

# The main job on a real model and the bundled example: builds only the weft command.
example: configure
	@cmake --build $(BUILD) -j$(JOBS) --target weft
	@scripts/run-example.sh $(BUILD)

# Speed against ONNX Runtime and LibTorch, GEMM against the FMA peak, compile time and memory
# (README.md, "Benchmarks"): configures bench/ (off otherwise), builds only its targets (and weft),
# generates the models and prints a table per benchmark. Every benchmark runs even if one before it
# fails; the status says whether any did.
BENCH_TARGETS = gemm_bench_run weft_bench_compile_time weft_bench_onnxruntime weft_bench_libtorch_peers weft_bench
bench: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWEFT_BUILD_BENCH=ON > /dev/null
	@status=0; for target in $(BENCH_TARGETS); do \
	  cmake --build $(BUILD) -j$(JOBS) --target $$target || status=1; \
	done; exit $$status

clean:
	rm -rf $(BUILD)
