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

# GEMM GFLOP/s against the measured FMA peak (no LibTorch needed), then speed and memory against
# LibTorch where it is installed: configures bench/ (off otherwise), builds only its targets (and
# weft), generates the models and prints the tables. Numbers are only as quiet as the machine.
bench: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWEFT_BUILD_BENCH=ON > /dev/null
	@cmake --build $(BUILD) -j$(JOBS) --target gemm_bench_run
	@cmake --build $(BUILD) -j$(JOBS) --target weft_bench

clean:
	rm -rf $(BUILD)
