# oshim: see README.md. Every target works on a fresh Debian machine with only Go:
# `make deps` installs what the demo and the tests use.

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)
BIN       := bin/oshim
PKGS      := crun runc podman conmon uidmap slirp4netns fuse-overlayfs catatonit \
             busybox-static libcap2-bin jq containerd iproute2 util-linux docker.io
FUZZTIME  ?= 10s
# Flags for test/bench and test/conformance; see `go run ./test/bench -h`.
BENCHFLAGS       ?=
CONFORMANCEFLAGS ?=
# Where `make matrix` writes its table (README links this one).
MATRIXOUT        ?= test/matrix/results/matrix.md

.PHONY: all build deps demo test unit e2e fuzz vet manifests matrix bench bench-smoke conformance clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/oshim

# deps installs the Debian packages the demo and the end-to-end tests run (as root).
deps:
	@missing=$$(for p in $(PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

demo: deps build
	bash test/demo/demo.sh $(BIN)

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

# test runs everything: unit tests, a short fuzz pass over every fuzz target, the
# end-to-end tests against real crun and runc, and the capability matrix (run once, by
# its own target).
test: deps vet
	$(GO) test -count=1 -timeout 40m $$($(GO) list ./... | grep -v '/test/matrix$$')
	$(MAKE) matrix MATRIXOUT=test/out/matrix/matrix.md
	$(MAKE) manifests
	$(MAKE) conformance CONFORMANCEFLAGS='-out test/out/conformance'
	$(MAKE) bench-smoke
	$(MAKE) fuzz

# matrix runs every contract through every engine oshim runs under (the runtime
# directly, podman rootful, rootless and in hook mode, containerd's CRI, Docker), with
# crun and runc, and prints the table of what each cell promised and what /proc showed
# (a few minutes); it fails if any cell fails. The table goes to MATRIXOUT too.
matrix: deps
	$(GO) test -count=1 -timeout 30m -parallel 8 ./test/matrix -args -out $(abspath $(MATRIXOUT))
	@cat $(MATRIXOUT)

# bench measures what oshim adds to a container's start against crun and runc called
# directly, and writes test/bench/results/bench.{txt,json,png} (about 6 minutes).
bench: deps build
	$(GO) run ./test/bench -oshim $(BIN) $(BENCHFLAGS)

# bench-smoke runs the benchmark in a few rounds, so that it keeps working; its figures
# mean nothing.
bench-smoke: deps build
	$(GO) run ./test/bench -oshim $(BIN) -rounds 2 -warmup 1 -parallel 4 -parallel-total 8 -micro 5 -out /tmp/oshim-bench-smoke

# conformance runs the OCI runtime-tools validation suite against crun directly and
# against oshim over crun, and fails if oshim does worse on any check (about 4 minutes;
# the first run builds the suite from the Go module proxy).
conformance: deps build
	$(GO) run ./test/conformance -oshim $(BIN) $(CONFORMANCEFLAGS)

# manifests checks install/kubernetes against the Kubernetes API types, in a module of
# its own so the main module carries no Kubernetes dependencies.
manifests:
	cd test/k8smanifests && $(GO) vet ./... && $(GO) test -count=1 ./...

unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /test/)

e2e: deps
	$(GO) test -count=1 -timeout 40m -v ./test/...

# fuzz runs each fuzz target for FUZZTIME (go test allows one target per run). A real
# finding writes its input under testdata/fuzz: the run fails, and so does the retry,
# which replays saved inputs first. A run that fails with "context deadline exceeded"
# and wrote no input hit the Go 1.26 fuzz coordinator's race at the -fuzztime deadline
# (golang/go#75804, fixed in Go 1.27), seen on loaded machines: it is reported, not
# fatal. Any other failure is retried once.
FUZZLOG := /tmp/oshim-fuzz.log
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
		for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
			echo "fuzz $$pkg $$f"; \
			if $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s $$pkg > $(FUZZLOG) 2>&1; then continue; fi; \
			if grep -q 'context deadline exceeded' $(FUZZLOG) && ! grep -q 'Failing input written' $(FUZZLOG); then \
				echo "$$f: the fuzz coordinator's deadline race (golang/go#75804), no failing input: not a finding"; \
				continue; \
			fi; \
			grep -v 'elapsed:' $(FUZZLOG) | tail -20; \
			echo "retrying $$f"; \
			$(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=5s $$pkg > $(FUZZLOG) 2>&1 || { cat $(FUZZLOG); exit 1; }; \
		done; \
	done

clean:
	rm -rf bin
