# The two commands a new user needs: `make demo` and `make test`.
SHELL := /bin/bash
PRESET ?= ci
BUILD := build/$(PRESET)
JOBS ?= $(shell nproc)

.PHONY: docs all deps configure build web test test-unit test-integration test-e2e demo demo-stop fuzz bench bench-web tidy asan format clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure web
	@cmake --build $(BUILD) -j $(JOBS)

# The dashboard the hub serves at / (web/dist, its --web.ui-path default). Rebuilt only when a
# source is newer than web/dist/index.html; without npm (Node < 20.19) skipped with a note, and
# the hub then serves a page saying the dashboard is not built.
WEB_SRCS := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/package.json \
	web/package-lock.json web/vite.config.ts web/tsconfig.json web/scripts/check-bundle-size.mjs
web: web/dist/index.html
web/dist/index.html: $(WEB_SRCS) | deps
	@if [[ -d web/node_modules ]] && command -v npm >/dev/null; then \
	  (cd web && npm run --silent build) || { rm -f $@; exit 1; }; \
	else echo "make: skipping the web dashboard build (no npm or web/node_modules; see scripts/install-deps)" >&2; fi

# Every test (unit, integration, and e2e: the dashboard in Chromium), as CI runs it.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j 2 --timeout 300

test-unit: build
	@cd $(BUILD) && ctest --output-on-failure -L unit -j 2

test-integration: build
	@cd $(BUILD) && ctest --output-on-failure -L integration

# The dashboard in Chromium against the cluster in a box (screenshots in $(BUILD)/web-e2e/).
test-e2e: build
	@cd $(BUILD) && ctest --output-on-failure -L e2e

# Builds, starts the cluster in a box (4 Slurm nodes, simulated GPUs whose load follows the jobs
# of a job generator, the exporters, the hub with the rule pack), prints the dashboard's URL.
# `make demo-stop` ends every process it started. State in .cluster/ (GW_DEMO_DIR).
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

# The dashboard with a simulated 64-node, 512-GPU cluster: initial JS size, overview render time,
# main-thread busy share under live updates (docs/benchmarks.md).
bench-web: web
	@scripts/bench-web

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
