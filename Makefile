# connhost: the two entry points are `make demo` and `make test`; both install what is missing first.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_GEN  := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all deps test-deps build demo test test-asan bench clean

all: build

deps:
	@packaging/install-deps.sh build

test-deps:
	@packaging/install-deps.sh test

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$(JOBS)

# The main job: a demo sync into the embedded default, with a summary on screen.
demo: build
	@BUILD=$(BUILD) packaging/demo.sh

# The whole suite (starts and stops its own PostgreSQL where tests need one).
test: test-deps build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: test-deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DCONNHOST_SANITIZE=ON -DCONNHOST_BUILD_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1 ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS)

bench: test-deps build
	BUILD=$(BUILD) bench/passthrough.sh
	BUILD=$(BUILD) bench/sqlite.sh
	BUILD=$(BUILD) bench/footprint.sh
	BUILD=$(BUILD) bench/record_size.sh
	bench/pg/pg_bench.sh $(BUILD)/bin/connhost
	bench/pg_to_pg/pg_to_pg.sh $(BUILD)/bin/connhost

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
