# elements-auth: one entry point for people and CI.
#   make demo   - the whole Concur flow against the embedded sandbox
#   make test   - every test in every language (installs what it needs)

PREFIX ?= /usr/local
CARGO ?= cargo

.PHONY: demo test deps test-rust lint test-python test-node test-c test-browser test-cross test-web install

demo:
	$(CARGO) run --quiet -p elements-auth-cli -- demo

test: deps lint test-rust demo test-c test-python test-node test-cross test-browser test-web
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

# Issue 12: state tokens across languages, and the example web apps in a browser.
test-cross:
	scripts/test-cross.sh

test-web:
	scripts/test-web.sh

install:
	scripts/install-capi.sh "$(PREFIX)"
