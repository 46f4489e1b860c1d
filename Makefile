# The two commands of the README's quick start are `make demo` and `make test`.
SHARED ?= $(abspath ../shared)
SWIFT_FLAGS ?=
# Release binaries link the Swift runtime and Foundation statically: the pre-push
# hook starts in about half the time (no dynamic relocation of Foundation).
RELEASE_FLAGS = -c release --static-swift-stdlib
export SIZEBUDGET_SHARED := $(SHARED)

.PHONY: all build release demo test bench bench-big fuzz format clean

all: build

build:
	scripts/install-deps.sh build
	swift build $(SWIFT_FLAGS)

release:
	scripts/install-deps.sh build
	swift build $(RELEASE_FLAGS) $(SWIFT_FLAGS)

## The main job, end to end on real data, as a user would see it.
demo:
	scripts/install-deps.sh demo
	scripts/fixtures.sh
	swift build $(RELEASE_FLAGS) $(SWIFT_FLAGS)
	scripts/demo.sh

## Every test: unit, conformance (toml-test), integration with real git, images and servers.
test:
	scripts/install-deps.sh test
	scripts/fixtures.sh
	swift build --build-tests $(SWIFT_FLAGS)
	swift test --skip-build $(SWIFT_FLAGS)
	python3 $(SHARED)/toml-test/run.py .build/debug/toml-test-decoder --show 20 > .build/toml-test.log; \
	  status=$$?; tail -n 3 .build/toml-test.log; exit $$status

## Every benchmark, each figure beside its peer measured in the same run.
bench:
	scripts/install-deps.sh bench
	scripts/fixtures.sh
	swift build $(RELEASE_FLAGS) $(SWIFT_FLAGS)
	Benchmarks/run.sh
	Benchmarks/big.sh

## Only the big-image section (issue 16): a 4 GB ML image built once from real wheels.
bench-big:
	scripts/install-deps.sh bench
	scripts/fixtures.sh
	swift build $(RELEASE_FLAGS) $(SWIFT_FLAGS)
	Benchmarks/big.sh

## Coverage-guided fuzzing of the TOML parser (libFuzzer), FUZZ_SECONDS long; then
## the seeded mutation fuzzer of `make test`, ITERATIONS times.
fuzz:
	scripts/fuzz-toml.sh $${FUZZ_SECONDS:-300}
	swift build --build-tests $(SWIFT_FLAGS)
	TOML_FUZZ_ITERATIONS=$${ITERATIONS:-1000000} swift test --skip-build --filter FuzzTests

format:
	swift format -i -r Sources Tests Benchmarks

clean:
	rm -rf .build
