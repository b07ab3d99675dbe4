# elements-auth: one entry point for people and CI.
#   make demo   - the whole Concur flow against the embedded sandbox
#   make test   - every test in every language (installs what it needs)

PREFIX ?= /usr/local
CARGO ?= cargo

.PHONY: demo test deps test-rust lint test-python test-node test-c test-browser fuzz-short fuzz soak bench test-cross test-web install

demo:
	$(CARGO) run --quiet -p elements-auth-cli -- demo

test: deps lint test-rust demo test-c test-python test-node test-cross test-browser test-web fuzz-short
	@echo "all test suites passed"

deps:
	scripts/install-deps.sh

lint:
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

install:
	scripts/install-capi.sh "$(PREFIX)"
