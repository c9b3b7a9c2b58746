# cxkit — `make demo` and `make test` are all a fresh machine needs (README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

export CARGO_BUILD_JOBS ?= 2
export CHROMEDRIVER ?= /usr/bin/chromedriver
WASM_TARGET := wasm32-unknown-unknown
# The two wasm modules: the core every page loads, the survey module only where a survey shows.
WASM_DIR := target/$(WASM_TARGET)/wasm-release
WASM_MODULES := cxkit-core cxkit-survey
WASM_CRATES := $(addprefix -p ,$(WASM_MODULES))
# The shipped modules are no_std: this turns on their own panic handler (crates/runtime), which
# test and clippy builds leave off, since they link std and its handler.
WASM_FEATURES := --features panic-handler
BIN := node_modules/.bin
COLLECTOR := target/release/cxkit-collector
# No build-machine path in what ships (docs/panic-free.md): rustc writes source paths into panic
# locations as it found them, so the shipped build maps the checkout, cargo's sources and the
# toolchain's to neutral names. Computed, never hard-coded: CI clones elsewhere. rustc applies
# the last prefix that matches, so the checkout (which may hold CARGO_HOME) comes first.
CARGO_HOME ?= $(HOME)/.cargo
WASM_REMAP = $(CURDIR)=cxkit $(CARGO_HOME)/registry/src=crates $(CARGO_HOME)/git/checkouts=crates \
  $(shell rustc --print sysroot)=rust /rustc/$(shell rustc -vV | sed -n 's/^commit-hash: //p')=rust
# Given with --config, so it adds to (not replaces) any rustflags of the environment's config,
# and only the shipped build's profile (its own directory under target/) is built with it.
WASM_RUSTFLAGS = target.$(WASM_TARGET).rustflags = [$(foreach map,$(WASM_REMAP),'--remap-path-prefix=$(map)',)]
# From apt: the browsers the tests drive and their drivers; WebKitGTK's driver runs its
# MiniBrowser, which has no headless mode, under xvfb's virtual display (xvfb-run needs xauth,
# a recommended package). With recommends, as the engines were seen working (toolchain.md).
# Fonts with Arabic and CJK glyphs, so the survey in ar/he and ja/zh shows text, not boxes, in
# `make screenshots` and the tests' browsers.
APT_PACKAGES := chromium chromium-driver firefox-esr webkit2gtk-driver xvfb fonts-noto-core fonts-noto-cjk
# wasm-opt for the shipped modules, in two passes (docs/architecture.md, "Where the core's bytes
# go"). WASM_OPT optimises into npm/pkg: --low-memory-unused, since rustc puts the 1 MiB stack
# first, so the low 1 KiB is the stack's far end, which only an overflow reaches (binaryen then
# folds constant address offsets into loads and stores; an overflowed stack traps instead of
# wrapping into it); --merge-similar-functions first merges functions that differ only in
# constants (one copy, the constants as arguments); --converge repeats the passes while they
# still shrink the module.
# WASM_SHIP writes npm/dist: every import, export and import module gets a one- or two-letter
# name (it prints the map, unused: npm/build.mjs pairs the two modules' names by position and
# renames them in the glue), and the `producers` and `target_features` custom sections (the
# toolchain's names and versions, the features the module was built with), which are for tools,
# not browsers, go. Apart, because --converge would run the renaming again on its own output.
WASM_OPT := --merge-similar-functions -Oz --low-memory-unused --converge
WASM_SHIP := --minify-imports-and-exports-and-modules --strip-producers --strip-target-features
# The wasm-bindgen CLI must match the crate version in Cargo.lock exactly.
WASM_BINDGEN_VERSION = $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

.PHONY: help setup build gen test test-contract test-lint test-types test-node test-size test-shipped test-host test-browser test-e2e demo demo-data bench screenshots dashboard-screenshots fuzz clean

help:
	@echo "make demo   build and serve the demo site and collector on http://127.0.0.1:8080"
	@echo "make demo-data  while make demo runs (another terminal): ~30 generated visitors through the demo page"
	@echo "make test   build and run every test (host, headless Chromium and Firefox, end to end)"
	@echo "make bench  size and runtime benchmark, writes bench/results.md"
	@echo "make screenshots  PNGs of the survey widget (kinds, light/dark, desktop/phone, ar, ja, placements) in screenshots/"
	@echo "make dashboard-screenshots  PNGs of the collector's dashboard with generated data (desktop, 360 px) in screenshots/"
	@echo "make gen    rewrite npm/src/contract.ts from the Rust that owns each item"
	@echo "make fuzz   fuzz the collector's batch decoder for FUZZ_SECONDS (60) on nightly"

setup: ## Installs what is missing; skips what is there.
	@start=$$(date +%s)
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --locked || \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); fi
	@if [ "$$(dpkg-query -W -f='$${Status}\n' $(APT_PACKAGES) 2>/dev/null | grep -c 'install ok installed')" != $(words $(APT_PACKAGES)) ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 $(APT_PACKAGES); fi
	@geckodriver --version >/dev/null 2>&1 || cargo install geckodriver --locked || cargo install geckodriver
	@[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
	@echo "setup: $$(( $$(date +%s) - start )) s; $$(wasm-bindgen --version), $$(chromium --version), $$(firefox-esr --version 2>/dev/null)," \
	  "$$(geckodriver --version | sed -n 1p), WebKitGTK $$(dpkg-query -W -f='$${Version}' webkit2gtk-driver)," \
	  "playwright-core $$(node -p 'require("./node_modules/playwright-core/package.json").version')," \
	  "puppeteer-core $$(node -p 'require("./node_modules/puppeteer-core/package.json").version')"

build: setup
	@start=$$(date +%s)
	# Each module as a cdylib alone: with the rlib the browser tests link beside it, LTO keeps the
	# data of the panic paths it removed (messages, locations) in the module (docs/panic-free.md).
	for crate in $(WASM_MODULES); do
	  cargo rustc --lib --crate-type cdylib -p $$crate --target $(WASM_TARGET) --profile wasm-release \
	    $(WASM_FEATURES) --config "$(WASM_RUSTFLAGS)"
	done
	wasm-bindgen --target web --out-dir npm/pkg/core --out-name cxkit $(WASM_DIR)/cxkit_core.wasm
	wasm-bindgen --target web --out-dir npm/pkg/survey --out-name cxkit-survey $(WASM_DIR)/cxkit_survey.wasm
	@mkdir -p npm/dist
	$(BIN)/wasm-opt $(WASM_OPT) npm/pkg/core/cxkit_bg.wasm -o npm/pkg/core/cxkit_opt.wasm
	$(BIN)/wasm-opt $(WASM_OPT) npm/pkg/survey/cxkit-survey_bg.wasm -o npm/pkg/survey/cxkit-survey_opt.wasm
	$(BIN)/wasm-opt $(WASM_SHIP) npm/pkg/core/cxkit_opt.wasm -o npm/dist/cxkit.wasm >/dev/null
	$(BIN)/wasm-opt $(WASM_SHIP) npm/pkg/survey/cxkit-survey_opt.wasm -o npm/dist/cxkit-survey.wasm >/dev/null
	cd npm && node build.mjs && ../$(BIN)/tsc -p tsconfig.json
	cargo build --release -p cxkit-collector
	@echo "build: $$(( $$(date +%s) - start )) s"

# The constants, rules and vocabularies the shell shares with Rust (crates/domain/src/contract.rs).
CONTRACT := npm/src/contract.ts
CONTRACT_GEN := cargo run -q -p cxkit-domain --example contract

gen: ## Writes $(CONTRACT); a failed run leaves the committed file as it was.
	tmp=$$(mktemp)
	trap 'rm -f "$$tmp"' EXIT
	$(CONTRACT_GEN) > "$$tmp"
	cp "$$tmp" $(CONTRACT)

test: build
	@start=$$(date +%s)
	$(MAKE) --no-print-directory test-contract test-lint test-types test-node test-size test-shipped test-host test-browser test-e2e
	@echo "test: $$(( $$(date +%s) - start )) s"

test-contract: ## $(CONTRACT) is what the Rust says: generated again into a temporary file and compared, never written.
	tmp=$$(mktemp)
	trap 'rm -f "$$tmp"' EXIT
	$(CONTRACT_GEN) > "$$tmp"
	diff -u $(CONTRACT) "$$tmp" || { echo "test-contract: $(CONTRACT) is stale; run make gen and commit it" >&2; exit 1; }

test-lint: ## Formatting and clippy, host and wasm, warnings as errors.
	@start=$$(date +%s)
	cargo fmt --all --check
	rustfmt --edition 2021 --check fuzz/fuzz_targets/*.rs
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target $(WASM_TARGET) $(WASM_CRATES) -p cxkit-runtime --all-targets -- -D warnings
	# The shipped build's panic handler, which builds that link std (the line above) leave off.
	cargo clippy --target $(WASM_TARGET) -p cxkit-runtime $(WASM_FEATURES) -- -D warnings
	@echo "test-lint: $$(( $$(date +%s) - start )) s"

test-types: ## The published .d.ts: accepts the documented API, refuses misspelt options; the examples' TypeScript against it.
	$(BIN)/tsc -p tests/types/tsconfig.json
	$(BIN)/tsc -p tests/types/examples.tsconfig.json

test-node: ## On a server (SSR): the package imports without touching a page's globals, init says it runs in a browser, the React example renders; README's hook is the example's.
	node --test tests/node/

test-size: ## Sizes are deterministic: gated against the ceiling in bench/budgets.json.
	node bench/size.mjs --check

test-shipped: ## npm/dist holds no panic text and no local path; a planted panic, built alike, must be found.
	rustc --edition 2021 --crate-type cdylib --target $(WASM_TARGET) -C opt-level=z -C lto -C panic=abort \
	  -C codegen-units=1 -C strip=debuginfo $(foreach map,$(WASM_REMAP),--remap-path-prefix=$(map)) \
	  $(CURDIR)/tests/shipped/sentinel.rs -o target/shipped-sentinel.wasm
	$(BIN)/wasm-opt -Oz target/shipped-sentinel.wasm -o target/shipped-sentinel.opt.wasm
	node tests/shipped/check.mjs --control target/shipped-sentinel.opt.wasm

test-host:
	@start=$$(date +%s)
	cargo test --workspace
	@echo "test-host: $$(( $$(date +%s) - start )) s"

# wasm-bindgen-test-runner drives the browser of the first driver its environment names,
# GECKODRIVER before CHROMEDRIVER (exported above): one run per driver, each timed.
test-browser: ## The wasm-bindgen tests of both modules in headless Chromium, then in headless Firefox.
	@start=$$(date +%s)
	for driver in CHROMEDRIVER=$(CHROMEDRIVER) GECKODRIVER=$$(command -v geckodriver); do
	  run=$$(date +%s)
	  env -u GECKODRIVER "$$driver" cargo test --target $(WASM_TARGET) $(WASM_CRATES) --test web
	  name=$${driver%%=*}
	  echo "test-browser, $${name,,}: $$(( $$(date +%s) - run )) s"
	done
	@echo "test-browser: $$(( $$(date +%s) - start )) s"

# The e2e suite on each engine in ENGINE, one after the other, with each one's counts and time
# (tests/e2e/run.mjs); ONLY=pattern runs the scenarios whose name matches (--test-name-pattern).
ENGINE ?= chromium firefox webkit
ONLY ?=
test-e2e:
	@start=$$(date +%s)
	ONLY='$(ONLY)' node tests/e2e/run.mjs $(ENGINE)
	@echo "test-e2e: $$(( $$(date +%s) - start )) s"

# The demo's admin token is a fixed, loopback-only dev token (README, "The reference collector");
# `make demo DEMO_ADMIN_TOKEN=…` picks another. It goes in the environment, not on the command line.
DEMO_ADMIN_TOKEN ?= cxkit-demo-token
demo: build
	@echo "cxkit demo: http://127.0.0.1:8080/"
	@echo "dashboard:  http://127.0.0.1:8080/dashboard/  (admin token: $(DEMO_ADMIN_TOKEN))"
	@echo "stats:      curl -H 'Authorization: Bearer $(DEMO_ADMIN_TOKEN)' 'http://127.0.0.1:8080/v1/stats?site=demo'"
	CXKIT_ADMIN_TOKEN='$(DEMO_ADMIN_TOKEN)' $(COLLECTOR) --port 8080 --db target/demo.sqlite --www www --dist npm/dist

# Generated traffic for the running demo (tests/demo-data.mjs): start `make demo` first, then
# this in another terminal. It starts nothing itself; DEMO_URL (default http://127.0.0.1:8080),
# VISITORS (30) and SEED pick another demo, count and mix.
demo-data:
	@start=$$(date +%s)
	CXKIT_ADMIN_TOKEN='$(DEMO_ADMIN_TOKEN)' node tests/demo-data.mjs
	@echo "demo-data: $$(( $$(date +%s) - start )) s"

bench: build
	@start=$$(date +%s)
	node bench/run.mjs
	@echo "bench: $$(( $$(date +%s) - start )) s"

# PNGs of the survey widget for a person to look at (tests/screenshots.mjs); nothing is compared.
# ONLY=pattern keeps the shots whose file name contains it.
screenshots: build
	@start=$$(date +%s)
	ONLY='$(ONLY)' node tests/screenshots.mjs
	@echo "screenshots: $$(( $$(date +%s) - start )) s"

# PNGs of the collector's dashboard at /dashboard/ with generated events (tests/dashboard-screenshots.mjs):
# desktop 1280×900 and phone 360 px, full page, and the empty states; nothing is compared, but a CSP
# violation, a page error or a page wider than the phone fails the run.
dashboard-screenshots: build
	@start=$$(date +%s)
	node tests/dashboard-screenshots.mjs
	@echo "dashboard-screenshots: $$(( $$(date +%s) - start )) s"

# The fuzzer's own corpus grows here, kept between runs; fuzz/corpus holds the committed seeds.
# No sanitizer: the domain crate forbids unsafe code, so the fuzzer hunts panics (overflow
# checks are on) and broken invariants, faster than under ASan.
FUZZ_SECONDS ?= 60
FUZZ_TARGET := batch_decode
FUZZ_CORPUS := target/fuzz-corpus/$(FUZZ_TARGET)

fuzz: ## Not part of `make test`. A crash lands in fuzz/artifacts/ and fails the run.
	@start=$$(date +%s)
	@rustup toolchain list | grep -q '^nightly' || { echo "make fuzz needs the nightly toolchain (rustup)"; exit 1; }
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked || cargo install cargo-fuzz
	@mkdir -p $(FUZZ_CORPUS)
	cargo +nightly fuzz run --sanitizer none $(FUZZ_TARGET) $(CURDIR)/$(FUZZ_CORPUS) $(CURDIR)/fuzz/corpus/$(FUZZ_TARGET) -- \
	  -max_total_time=$(FUZZ_SECONDS) -dict=$(CURDIR)/fuzz/$(FUZZ_TARGET).dict -print_final_stats=1
	@echo "fuzz: $$(( $$(date +%s) - start )) s, corpus $$(ls $(FUZZ_CORPUS) | wc -l) inputs in $(FUZZ_CORPUS)"

clean:
	rm -rf npm/pkg npm/dist target/demo.sqlite*
