# A thin wrapper around CMake. `make` builds, `make test` builds and tests twice
# (normally and under ASan+UBSan), `make run` shows hark at work on demo articles
# (building only hark and harkd, silently when they are up to date, saying so
# first when they are built for the first time).
BUILD      ?= build
BUILD_SAN  ?= build-san
BUILD_FUZZ ?= build-fuzz
BUILD_DEB  ?= build-deb
PREFIX     ?= /usr/local
WERROR     ?= 0
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
# clang's UBSan also catches arithmetic on null pointers, which gcc's does not
SAN_CC     ?= $(shell command -v clang >/dev/null 2>&1 && echo clang || echo cc)
CMAKE_FLAGS = -DHARK_WERROR=$(if $(filter 1,$(WERROR)),ON,OFF)

.PHONY: all deps test-deps build test test-fast run bench fuzz install deb screenshots clean format

all: build

# what building and running need (make, make install, make run)
deps:
	@contrib/install-deps --check || contrib/install-deps

# and what the tests need: the Debian packages (Chromium among them), then the
# browser tests' npm packages at the versions of tests/browser/package-lock.json
# (npm ls fails while one is missing or another version); a failure here leaves
# the browser tests to skip, saying why
test-deps: deps
	@contrib/install-deps --test --check || contrib/install-deps --test
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "hark: no npm: the browser tests will be skipped" >&2; \
	elif ! (cd tests/browser && npm ls --silent >/dev/null 2>&1); then \
		(cd tests/browser && npm ci --no-audit --no-fund) || \
			echo "hark: npm ci in tests/browser failed: the browser tests will be skipped" >&2; \
	fi

$(BUILD)/Makefile: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

test: test-deps build
	cd $(BUILD) && ctest --output-on-failure
	@CC=$(SAN_CC) cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DHARK_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_SAN) -j $(JOBS)
	cd $(BUILD_SAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure

test-fast: test-deps build
	cd $(BUILD) && ctest --output-on-failure

# only what the demo runs (hark, harkd), and quiet when nothing changed
run: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@contrib/build-quiet $(BUILD) $(JOBS) hark harkd
	@contrib/demo/run.sh $(BUILD)

bench: test-deps build
	tests/bench/run.sh $(BUILD)

# docs/hits.png and docs/article.png: the demo articles through a real harkd,
# photographed by Chromium (a fixed viewport, the light scheme)
screenshots: test-deps build
	tests/browser/screenshots.sh $(BUILD) docs

fuzz: deps
	@contrib/install-deps --test --check || contrib/install-deps --test
	CC=clang CXX=clang++ cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHARK_FUZZ=ON \
		-DHARK_SANITIZE=ON >/dev/null
	cmake --build $(BUILD_FUZZ) -j $(JOBS)
	@echo "fuzzers in $(BUILD_FUZZ)/ (see tests/fuzz/README.md); copy a seed corpus first:"
	@echo "  cp -r tests/fuzz/corpus/query /tmp/fq && $(BUILD_FUZZ)/fuzz_query -max_total_time=240 /tmp/fq"

# DESTDIR=/tmp/stage stages the installation; the prefix is configured, not
# only given to --install, because harkd.service names the installed paths and
# hark and harkd are built to look for PREFIX/etc/hark/hark.conf (/etc/hark
# when PREFIX is /usr): built again when the prefix changed
install: build
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

# the Debian package: $(BUILD_DEB)/hark_VERSION_ARCH.deb (and its -dbgsym),
# built from a copy of the tree by dpkg-buildpackage -us -uc -b, checked by
# lintian; `sudo apt install ./$(BUILD_DEB)/hark_*_amd64.deb` installs it
deb: deps
	contrib/build-deb $(BUILD_DEB)

format:
	clang-format -i daemon/*.c daemon/*.h daemon/core/*.c daemon/core/*.h tests/*/*.c

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ) $(BUILD_DEB)
