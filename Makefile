# Exlogare for GitFlic. `make test` runs every check CI runs; `make demo` runs the product locally.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
STACK := $(PYTHON) scripts/local_stack.py

.PHONY: test demo console package tools browser lint bench stack-start stack-stop clean

## Everything CI checks: tools, formatting, template, lints, all tests against the local stack,
## and the release Lambda zips with their sizes.
test: tools browser lint
	$(STACK) run -- cargo test --workspace --locked
	scripts/build-lambdas.sh

## The four functions' release zips and their sizes.
package:
	scripts/build-lambdas.sh

## The product's main job, locally: a replayed failed GitFlic pipeline, through the webhook,
## SQS, the analyzer and the engine, to Slack/Telegram/Matrix stand-ins. Prints what each received.
## Its chat text is in English unless REPORT_LANGUAGE says otherwise (deployments default to ru).
demo: tools
	$(STACK) run --parameter ReportLanguage=$(or $(REPORT_LANGUAGE),en) -- \
		cargo run --quiet --locked -p exlogare-tests --example demo

## The web console on this machine (moto's Cognito, a sign-in stand-in, the GitFlic and chat
## stand-ins): prints the address and the user to sign in as; Ctrl-C stops.
console: tools
	$(STACK) run -- cargo run --quiet --locked -p exlogare-tests --example console

## Headless Chromium and ChromeDriver for the browser tests (Debian's packages), when missing.
browser:
	@command -v chromedriver >/dev/null && command -v chromium >/dev/null || { \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }; }

## Python tools (moto_server, cfn-lint), installed when missing.
tools:
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

lint:
	cargo fmt --all -- --check
	$(PYTHON) -c 'import sys; from cfnlint.runner import main; sys.exit(main())' template.yaml
	cargo clippy --workspace --all-targets --locked -- -D warnings

## Speed and memory figures of the analysis engine (and Drain3 on the same logs).
bench:
	scripts/bench.sh

## The local AWS stack for the dev loop (see README): writes .local/stack.env.
stack-start: tools
	$(STACK) start
stack-stop:
	$(STACK) stop

clean:
	cargo clean
	rm -rf .local
