# elements-auth: one entry point for people and CI.
#   make demo   - the whole Concur flow against the embedded sandbox
#   make test   - every test in every language (installs what it needs)
#   make dist   - the release artifacts (wheel, sdist, npm packages, C and CLI tarballs) in dist/

PREFIX ?= /usr/local
CARGO ?= cargo

.PHONY: demo test deps test-rust lint test-python test-node test-c test-browser fuzz-short fuzz soak bench test-cross test-web install dist test-dist fuzz-runs

demo:
	$(CARGO) run --quiet -p elements-auth-cli -- demo

test: deps lint test-rust demo test-c test-python test-node test-cross test-browser test-web fuzz-short dist test-dist
	@echo "all test suites passed"

deps:
	scripts/install-deps.sh

lint:
	scripts/version.sh --check
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --workspace --exclude elements-auth-python --exclude elements-auth-node

test-python:
	scripts/test-python.sh

test-node:
	scripts/test-node.sh

test-c:
	scripts/test-c.sh

test-browser:
	scripts/test-browser.sh

# Every fuzz target for 10 s (part of make test); `make fuzz` runs each for 10 minutes.
fuzz-short:
	scripts/fuzz.sh 10

fuzz:
	scripts/fuzz.sh $${FUZZ_SECONDS:-600}

# Every fuzz target for a fixed number of executions (10 million unless FUZZ_RUNS says otherwise).
fuzz-runs:
	FUZZ_RUNS=$${FUZZ_RUNS:-10000000} scripts/fuzz.sh 0

# 100k calls per language and 1M sandbox requests, with RSS (not part of make test).
soak:
	scripts/soak.sh

# This SDK beside the well-known clients, one run, one server (not part of make test).
bench:
	scripts/bench.sh

# State tokens signed in each language and verified in every other; the
# example web apps, two replicas each, in a real browser.
test-cross:
	scripts/test-cross.sh

test-web:
	scripts/test-web.sh

# After the test suites: they have built the same release binaries, which dist reuses.
dist:
	scripts/dist.sh

# Installs each artifact of dist/ as a user does, on a PATH without cargo or rustc.
test-dist:
	scripts/test-dist.sh

install:
	scripts/install-capi.sh "$(PREFIX)"
