# connhost: the two entry points are `make demo` and `make test`; both install what is missing first.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
# Both looked up when a recipe runs, after `deps` installed ninja: decided when make starts, a fresh machine's
# `make demo` configured with Unix Makefiles and the `make test` after it failed on the generator change.
CMAKE_GEN   = $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
CONFIGURE   = cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps test-deps build build-all demo deb deb-check image test test-asan campaign bench fresh-check clean

all: build-all

deps:
	@packaging/install-deps.sh build

test-deps:
	@packaging/install-deps.sh test

# The host and the bundled plugins only: needs nothing beyond `install-deps.sh build` (no doctest, clang,
# PostgreSQL server or fuzzers), so the main job works on a machine without the test packages.
build: deps
	$(CONFIGURE) -DCONNHOST_BUILD_TESTS=OFF -DCONNHOST_BUILD_BENCH=OFF
	cmake --build $(BUILD) -j$(JOBS)

# Everything: host, plugins, the test suite and the benchmark tools (after installing the test packages).
build-all: test-deps
	$(CONFIGURE) -DCONNHOST_BUILD_TESTS=ON -DCONNHOST_BUILD_BENCH=ON
	cmake --build $(BUILD) -j$(JOBS)

# The main job: a demo sync into the embedded default, with a summary on screen.
demo: build
	@BUILD=$(BUILD) packaging/demo.sh

# The two Debian packages (connhost, connhost-dev) of the host and the bundled plugins, in $(BUILD)/: from the build
# tree as it is configured (one `make test` set up keeps its suite: the packages hold no test files either way), or
# the main job's build when there is none yet.
HAVE_BUILD := $(wildcard $(BUILD)/CMakeCache.txt)
deb: $(if $(HAVE_BUILD),deps,build)
	$(if $(HAVE_BUILD),cmake --build $(BUILD) -j$(JOBS))
	cd $(BUILD) && cpack -G DEB

# The packages on a new machine: install both .debs in a fresh Debian 12 root, then `connhost new` a source and a
# destination in C++ and C, build each with plain cmake against /usr and certify it with `connhost test-plugin`.
deb-check: deb
	tests/fresh/deb_check.sh $(BUILD) $(FRESH_CACHE)

# The OCI images of the runtime, built offline from the .deb and Debian packages (base: the debootstrap root of
# $(FRESH_CACHE), imported with podman): localhost/connhost/connhost:VERSION and one Airbyte connector image per
# bundled plugin (localhost/connhost/source-faker:VERSION, ...), saved in $(BUILD)/image/ (docs/guides/image.md).
image: deb
	packaging/image/build_image.sh $(BUILD) $(BUILD)/image $(FRESH_CACHE)

# The whole suite (starts and stops its own PostgreSQL where tests need one).
test: build-all
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# `make demo` in a new Debian 12 root (debootstrap minbase, cached in $(FRESH_CACHE)) through chroot, on a
# clone of the current commit, then `make build` there (the same folder configured again, as `make test` does
# next): catches an install step that only this machine's packages hide.
FRESH_CACHE ?= /var/tmp/connhost-fresh-cache
fresh-check:
	tests/fresh/fresh_check.sh $(FRESH_CACHE)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer (but the image test: the image holds the
# release .deb, not the sanitizer build). ASAN_OPTIONS comes from each test's environment (tests/CMakeLists.txt).
test-asan: test-deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DCONNHOST_SANITIZE=ON -DCONNHOST_BUILD_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS) -LE image

# The full kill campaign (tests/campaign/kill_campaign.py): 20 SIGKILLs of `connhost sync` per destination, profile and
# isolate mode, re-runs to completion, then missing and duplicated ids per stream. `make test` runs it with 4 kills.
campaign: build-all
	CONNHOST=$(BUILD)/bin/connhost HTTP_TEST_SERVER=$(BUILD)/tests/http/http_test_server tests/campaign/kill_campaign.py --kills 20

bench: build-all
	BUILD=$(BUILD) bench/passthrough.sh
	BUILD=$(BUILD) bench/sqlite.sh
	BUILD=$(BUILD) bench/footprint.sh
	BUILD=$(BUILD) bench/record_size.sh
	bench/pg/pg_bench.sh $(BUILD)/bin/connhost
	bench/pg_to_pg/pg_to_pg.sh $(BUILD)/bin/connhost
	bench/streams/streams_bench.sh $(BUILD)/bin/connhost
	bench/pg_ratios/pg_ratios.sh $(BUILD)/bin/connhost

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
