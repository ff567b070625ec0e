# The two commands a new user needs: `make demo` and `make test`.
SHELL := /bin/bash
PRESET ?= ci
BUILD := build/$(PRESET)
JOBS ?= $(shell nproc)

.PHONY: docs all deps configure build test test-unit test-integration demo demo-stop fuzz bench tidy asan format clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Every test (unit and integration), as CI runs it.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j 2 --timeout 300

test-unit: build
	@cd $(BUILD) && ctest --output-on-failure -L unit -j 2

test-integration: build
	@cd $(BUILD) && ctest --output-on-failure -L integration

# Builds, starts the GPU exporter on a simulated 4-GPU node, prints its URL.
demo: build
	@scripts/demo start $(BUILD)

demo-stop:
	@scripts/demo stop

# libFuzzer targets (clang 14); FUZZ_SECONDS per target.
fuzz: deps
	@scripts/run-fuzzers $${FUZZ_SECONDS:-30}

bench:
	@$(MAKE) --no-print-directory PRESET=release build
	@scripts/bench-gpu-exporter build/release

asan:
	@$(MAKE) --no-print-directory PRESET=asan test

tidy: deps
	@cmake --preset tidy >/dev/null && cmake --build build/tidy -j $(JOBS)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

# Regenerates docs/metrics.md from the exporter's code.
docs: build
	@$(BUILD)/tools/metrics-doc/gen_metrics_doc > docs/metrics.md

clean:
	rm -rf build
