# Convenience entry points; the build itself is CMake (see README.md).
BUILD ?= build
JOBS ?= 2

.PHONY: all deps configure build test example bench clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

# Every test; ends with ctest's summary.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The main job on the bundled example.
example: build
	@scripts/run-example.sh $(BUILD)

# Speed and memory against LibTorch: configures bench/ (off otherwise), builds only its targets
# (and weft), generates the models and prints the table. Numbers are only as quiet as the machine.
bench: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWEFT_BUILD_BENCH=ON > /dev/null
	@cmake --build $(BUILD) -j$(JOBS) --target weft_bench

clean:
	rm -rf $(BUILD)
