# The two commands of the README's quick start are `make demo` and `make test`.
SHARED ?= $(abspath ../shared)
SWIFT_FLAGS ?=
# Release binaries link the Swift runtime and Foundation statically: the pre-push
# hook starts in about half the time (no dynamic relocation of Foundation).
RELEASE_FLAGS = -c release --static-swift-stdlib
export SIZEBUDGET_SHARED := $(SHARED)

.PHONY: all build release demo test new-user-session test-browser bench bench-big fuzz format clean dist deb image test-dist

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
	python3 Tests/Browser/test_site.py

## A new user's first session (init → measure → check → hook → push → bisect → report),
## written to docs/new-user-session.md; `make test` runs it too (NewUserSessionTests).
new-user-session:
	swift build $(SWIFT_FLAGS)
	scripts/new-user-session.sh > docs/new-user-session.md

## The dashboard's browser tests alone (headless Chromium): screenshots in .build/site-screenshots.
test-browser:
	scripts/install-deps.sh test
	scripts/fixtures.sh
	swift build $(SWIFT_FLAGS)
	python3 Tests/Browser/test_site.py

## The release archive dist/sizebudget-VERSION-linux-x86_64.tar.gz (+ .sha256, SBOM):
## the binary, its libraries under lib/, completions, man page, licences.
dist:
	scripts/install-deps.sh dist
	scripts/dist/dist.sh

## dist/sizebudget_VERSION_amd64.deb, Depends from dpkg-shlibdeps.
deb: dist
	scripts/dist/deb.sh

## The sizebudget container image (Containerfile), with buildah from a local Debian 12 base.
image: deb
	scripts/install-deps.sh test
	scripts/fixtures.sh
	scripts/dist/image.sh

## The three on clean Debian 12/13 roots, the image against its own budget, and the
## CI integrations through their validators (root; the roots are cached).
test-dist: image
	scripts/install-deps.sh test-dist
	scripts/dist/test-dist.sh

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

## Coverage-guided fuzzing (libFuzzer) of the TOML parser and of every reader of
## untrusted bytes (tar, gzip, zstd, image manifests and configs, ELF, package
## databases), FUZZ_SECONDS long per target (FUZZ_TARGETS picks readers); then the
## seeded mutation fuzzers of `make test`, ITERATIONS (TOML) and READER_ITERATIONS times.
fuzz:
	scripts/fuzz-toml.sh $${FUZZ_SECONDS:-300}
	scripts/fuzz-readers.sh $${FUZZ_SECONDS:-300} $${FUZZ_TARGETS:-}
	swift build --build-tests $(SWIFT_FLAGS)
	TOML_FUZZ_ITERATIONS=$${ITERATIONS:-1000000} swift test --skip-build --filter FuzzTests
	READER_FUZZ_ITERATIONS=$${READER_ITERATIONS:-20000} swift test --skip-build --filter ReaderFuzzTests

format:
	swift format -i -r Sources Tests Benchmarks

clean:
	rm -rf .build dist
