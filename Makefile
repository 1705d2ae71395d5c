# The two commands a developer needs: `make run` and `make test`.
# See README.md for the others.

GO        ?= go
FUNCTIONS := $(notdir $(wildcard functions/*))
LAMBDA_FLAGS := -tags lambda.norpc -trimpath -ldflags='-s -w'
BENCH_COUNT ?= 5
# The Python test tools (requirements-test.txt): used from PATH when they are
# there; otherwise scripts/prereqs.sh installs them into $(VENV), which comes
# last on PATH so that tools already on PATH win.
VENV      ?= .venv
export VENV
export PATH := $(PATH):$(abspath $(VENV))/bin
# The benchmark harness is a module of its own, so that its load generator
# stays out of the service's go.mod; vet, test and tidy-check cover both.
TOOLS     := tools/bench
RACE_LOGS := $(CURDIR)/.race

.PHONY: run import test test-wordpress prereqs check-tree vet fmt-check tidy-check lint-template unit build deploy bench simulate fuzz clean

## run: the whole service on 127.0.0.1:3000 (PORT overrides) on the embedded store, seeded.
run:
	$(GO) run ./cmd/local

## import: bring a site in through the admin API of `make run` (docs/import.md):
## make import SOURCE=export.xml|https://site/feed/|https://site/wp-json ARGS='-dry-run -all-pages' (token: ADMIN_TOKEN).
import:
	@test -n "$(SOURCE)" || { echo "usage: make import SOURCE=<WXR file, feed URL or https://site/wp-json> [ARGS='-dry-run ...']"; exit 2; }
	$(GO) run ./cmd/import $(ARGS) '$(SOURCE)'

## test: prerequisites (scripts/prereqs.sh: Go's version, the pinned Python tools, installed into .venv when missing),
## vet, gofmt and go mod tidy checks, template lint, and every test with -race (the service's, then the
## harness's in tools/bench), the DynamoDB suite against a private moto_server. Data race reports go to
## .race/ and are printed, a frame a line, after a failed run (scripts/race-summary.sh).
test: prereqs
	$(MAKE) --no-print-directory check-tree vet fmt-check tidy-check lint-template
	@rm -rf $(RACE_LOGS) && mkdir -p $(RACE_LOGS)
	GORACE=log_path=$(RACE_LOGS)/report ./scripts/with-moto.sh $(GO) test -race -count=1 ./... \
		|| { ./scripts/race-summary.sh $(RACE_LOGS); exit 1; }
	GORACE=log_path=$(RACE_LOGS)/report $(GO) -C $(TOOLS) test -race -count=1 ./... \
		|| { ./scripts/race-summary.sh $(RACE_LOGS); exit 1; }

## test-wordpress: the importer against a real WordPress 6.1 (Debian's wordpress, MariaDB, Apache with PHP, all on
## loopback; installed with apt when run as root): scripts/test-wordpress.sh seeds a site, runs the tests tagged
## `wordpress` (REST, WXR and feed in sequence, the follow function, the golden pairs) and tears it all down.
## UPDATE=1 also rewrites the golden pairs taken from it. .ci/run runs it after `make test`.
test-wordpress:
	./scripts/test-wordpress.sh

# What the tests need, each missing one a line naming its install command; run
# before anything else, so a fresh machine learns at once what it lacks.
prereqs:
	./scripts/prereqs.sh

# No built program and nothing over 1 MB (outside testdata/ and the emoji pack) is tracked.
check-tree:
	./scripts/check-tree.sh

vet:
	$(GO) vet ./...
	$(GO) vet -tags wordpress ./internal/importer/
	$(GO) -C $(TOOLS) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# go.mod and go.sum of both modules are as `go mod tidy` leaves them.
tidy-check:
	$(GO) mod tidy -diff
	$(GO) -C $(TOOLS) mod tidy -diff

lint-template:
	./scripts/cfn-lint.sh
	./scripts/cfn-lint.sh waf.yaml

## build: every function as an arm64 `bootstrap` under bin/<function>/, with its size.
build:
	@for f in $(FUNCTIONS); do \
	  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o bin/$$f/bootstrap ./functions/$$f || exit 1; \
	  printf '%-10s %8d bytes  bin/%s/bootstrap\n' $$f $$(stat -c %s bin/$$f/bootstrap) $$f; \
	done

## deploy: both stacks (scripts/deploy.sh): the web ACL (waf.yaml, us-east-1), its ARN into samconfig.toml, then
## sam build and sam deploy of template.yaml; ARGS go to the last sam deploy (docs/deploy.md).
deploy:
	./scripts/deploy.sh $(ARGS)

## bench: Go benchmarks (benchstat-friendly output in bench.txt), then tools/bench: load (vegeta), cold starts
## (aws-lambda-rie), DynamoDB cost and memory, against a private moto_server; one table, also written to docs/figures.md.
BENCHTIME ?= 500ms
# Each half gets a moto_server of its own: after the Go benchmarks had run on it,
# moto answered the harness's first admin write later than STORE_TIMEOUT (503).
bench:
	./scripts/with-moto.sh bash -o pipefail -c '$(GO) test -run "^$$" -bench . -benchmem -count $(BENCH_COUNT) -benchtime $(BENCHTIME) ./... | tee bench.txt'
	./scripts/with-moto.sh $(GO) -C $(TOOLS) run . -root "$(CURDIR)" -gobench bench.txt -out docs/figures.md

## simulate: a viral hour's request mix, bounded and on loopback, through the edge model (internal/testing/cdnsim:
## the template's cache keys, cold edge locations, lifetimes on a simulated clock) in front of the local server on
## moto: the whole mix, readers only, every share-counter write throttled; then a correction's time to every edge.
## Writes docs/simulation.md. SIM_REQUESTS per phase (default 20000).
SIM_REQUESTS ?= 20000
simulate:
	./scripts/with-moto.sh $(GO) -C $(TOOLS) run ./simulate -root "$(CURDIR)" -requests $(SIM_REQUESTS) -out docs/simulation.md

## fuzz: every Go fuzz target for FUZZTIME each (default 30s); their seed corpora already run in `make test`.
fuzz:
	./scripts/fuzz.sh

clean:
	rm -rf bin .aws-sam bench.txt

-include build.mk
