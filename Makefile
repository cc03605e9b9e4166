# truststore: the two quick-start commands (demo, test) and build helpers.
# Everything here runs on a fresh Debian 12 machine with the Swift 6 toolchain on PATH.

SWIFT   ?= swift
PREFIX  ?= /usr/local
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libgit2-dev libssl-dev pkg-config openssl git ca-certificates p11-kit python3 python3-pip curl

.PHONY: deps build release static demo test bench install clean

## deps: install the system packages the build and the tests need (apt-get), when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@# The tests' PKI generator and TLS client need Python's cryptography and requests: pip for the python3 on
	@# PATH (pyenv or a venv), else Debian's packages (Debian's own python3 refuses pip installs, PEP 668).
	@python3 -c 'import cryptography, requests' 2>/dev/null \
	    || python3 -m pip install -q cryptography requests 2>/dev/null \
	    || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-cryptography python3-requests
	@python3 -c 'import cryptography, requests'

## build: a debug build.
build: deps
	$(SWIFT) build

## release: an optimised build.
release: deps
	$(SWIFT) build -c release

## demo: the main job on real input (the machine's Mozilla roots), in a temporary store.
demo: release
	TRUSTSTORE_BIN="$$($(SWIFT) build -c release --show-bin-path)/truststore" bash docs/demo.sh

## test: the whole test suite (Swift Testing, real OpenSSL, real git repositories).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## static: an optimised build with the Swift runtime and Foundation linked in (what install puts on PATH):
## it starts about 10 ms faster and needs only libssl3 and libgit2 at run time, not the toolchain.
STATIC_FLAGS := -c release --static-swift-stdlib --scratch-path .build-static
static: deps
	$(SWIFT) build $(STATIC_FLAGS)

## bench: benchmarks against update-ca-certificates, p11-kit's trust extract and openssl verify (not tests),
## on the binary install puts on PATH.
bench: static
	TRUSTSTORE_BIN="$$($(SWIFT) build $(STATIC_FLAGS) --show-bin-path)/truststore" bash bench/import-export.sh
	TRUSTSTORE_BIN="$$($(SWIFT) build $(STATIC_FLAGS) --show-bin-path)/truststore" bash bench/verify.sh
	TRUSTSTORE_BIN="$$($(SWIFT) build $(STATIC_FLAGS) --show-bin-path)/truststore" bash bench/history.sh
	TRUSTSTORE_BIN="$$($(SWIFT) build $(STATIC_FLAGS) --show-bin-path)/truststore" bash bench/export-formats.sh

## install: the binary to $(PREFIX)/bin, the store template and stock hooks to $(PREFIX)/share/truststore.
install: static
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/truststore
	install -m 0755 -s "$$($(SWIFT) build $(STATIC_FLAGS) --show-bin-path)/truststore" $(DESTDIR)$(PREFIX)/bin/truststore
	install -m 0755 -s "$$($(SWIFT) build $(STATIC_FLAGS) --show-bin-path)/truststore-pin" $(DESTDIR)$(PREFIX)/bin/truststore-pin
	cp -R stores hooks $(DESTDIR)$(PREFIX)/share/truststore/

clean:
	rm -rf .build .build-static
