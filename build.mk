# build.mk: the targets of `sam build`'s makefile build method
# (Metadata: BuildMethod: makefile in template.yaml), one per function:
# build-<LogicalId> writes $(ARTIFACTS_DIR)/bootstrap for provided.al2023 on
# arm64. The Makefile includes this file; internal/testing/stackcheck's tests check that
# every function in template.yaml has its target here and vice versa, and
# that each target builds the folder its function is named for.

GO ?= go
# lambda.norpc drops the legacy net/rpc path provided.al2023 never uses;
# -trimpath and -s -w make the binary smaller and reproducible.
SAM_GO_BUILD = GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -ldflags='-s -w'

.PHONY: build-ArticlesFunction build-FeedsFunction build-ShareFunction build-NotifyFunction build-ReleaseFunction build-FollowFunction build-TallyFunction build-FediverseFunction build-FederateFunction build-DeliverFunction sam-artifacts-dir

sam-artifacts-dir:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: these targets are run by sam build"; exit 1; }

build-ArticlesFunction: sam-artifacts-dir
	$(SAM_GO_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/articles

build-FeedsFunction: sam-artifacts-dir
	$(SAM_GO_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/feeds

build-ShareFunction: sam-artifacts-dir
	$(SAM_GO_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/share

build-NotifyFunction: sam-artifacts-dir
	$(SAM_GO_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/notify

build-ReleaseFunction: sam-artifacts-dir
	$(SAM_GO_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/release

build-FollowFunction: sam-artifacts-dir
	$(SAM_GO_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/follow

build-TallyFunction: sam-artifacts-dir
	$(SAM_GO_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/tally

build-FediverseFunction: sam-artifacts-dir
	$(SAM_GO_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/fediverse

build-FederateFunction: sam-artifacts-dir
	$(SAM_GO_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/federate

build-DeliverFunction: sam-artifacts-dir
	$(SAM_GO_BUILD) -o $(ARTIFACTS_DIR)/bootstrap ./functions/deliver
