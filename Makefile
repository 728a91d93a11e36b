# oshim: see README.md. Every target works on a fresh Debian machine with only Go:
# `make deps` installs what the demo and the tests use.

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# COMMIT is stamped into every build: `oshim version` prints it. Builds with
# -buildvcs=false, or outside a git checkout, record no revision of their own.
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD -- 2>/dev/null || echo -dirty)
LDFLAGS    = -s -w -X main.version=$(VERSION) -X main.commitStamp=$(COMMIT) -X runtime.godebugDefault=$(GODEBUGDEFAULT)
# RUNTIME_GODEBUG are Go runtime settings compiled into every program the Makefile
# builds, where //go:debug cannot set them: after the defaults the go command puts in
# the same variable for the module's Go version, which the -X would replace otherwise.
# Nothing in oshim reads a memory or lock profile, and the linker turns memory
# profiling off, but the runtime does so after its first allocations, and the change
# of rate makes it record the next one on every start (a stack walk and a page of hash
# table): memprofilerate=0 turns it off before them; profstackdepth=0 spares every
# thread its two profile stacks. updatemaxprocs=0 spares every call the goroutine that
# would follow the cgroup's CPU limit each second, and the thread that starts to run
# it: a call lasts milliseconds, and a `run` waits. Seven page faults a call (README,
# Performance).
RUNTIME_GODEBUG := memprofilerate=0 profstackdepth=0 updatemaxprocs=0
comma := ,
space := $(subst ,, )
GODEBUGDEFAULT = $(subst $(space),$(comma),$(strip $(shell $(GO) list -f '{{.DefaultGODEBUG}}' ./cmd/oshim) $(RUNTIME_GODEBUG)))
# GCEXPERIMENT builds oshim without the green tea garbage collector where the toolchain
# has the switch (Go 1.25 and 1.26; a toolchain without it builds with its default).
# An oshim call lasts milliseconds and never collects, and green tea keeps each new
# span's mark bits inside the span: that is a page fault on a page the call would not
# otherwise touch, 16 of them per call (see README, Performance).
GCEXPERIMENT := $(shell GOEXPERIMENT=nogreenteagc $(GO) env GOEXPERIMENT >/dev/null 2>&1 && echo nogreenteagc)
# Where builds go; the tests point them at their own directories.
BINDIR    ?= bin
DIST      ?= dist
BIN       := $(BINDIR)/oshim
# BINARIES are the programs `make build` writes to $(BINDIR) and the release builds for
# every arch in RELEASE_ARCHES; the package ships what is in $(BINDIR). Each needs a
# rule for $(BINDIR)/NAME and one for $(RELEASEDIR)/oshim-$(VERSION)-linux-%/NAME,
# where % is the GOARCH (a C program picks its cross compiler from it).
BINARIES  := oshim oshim-init
RELEASE_ARCHES := amd64 arm64
RELEASEDIR     := $(DIST)/release
STAGE          := $(DIST)/stage
# nfpm builds the .deb and .rpm; `go run` fetches it from the Go module proxy.
NFPM      := $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0
# Package versions must start with a digit: a tag v1.2.3 gives 1.2.3, an untagged
# commit 0.0.0~gitHASH (older than any release).
PKGVERSION := $(shell echo '$(VERSION)' | sed -E 's/^v([0-9]+\.[0-9])/\1/; /^[0-9]+\.[0-9]/!s/^/0.0.0~git/; s/-/./g')
PKGARCH   := $(shell $(GO) env GOARCH)
PKGS      := crun runc podman conmon uidmap slirp4netns fuse-overlayfs catatonit \
             busybox-static libcap2-bin jq containerd iproute2 util-linux \
             docker.io man-db zsh fish rpm \
             gcc libc6-dev make strace gcc-aarch64-linux-gnu qemu-user git tar
FUZZTIME  ?= 10s
# Flags for test/bench and test/conformance; see `go run ./test/bench -h`.
BENCHFLAGS       ?=
CONFORMANCEFLAGS ?=
# Where `make matrix` writes its table (README links this one).
MATRIXOUT        ?= test/matrix/results/matrix.md

.PHONY: all build man completions stage package release deps demo test unit e2e fuzz vet manifests matrix bench bench-smoke ab ab-smoke conformance installer-image clean FORCE

all: build

build: $(addprefix $(BINDIR)/,$(BINARIES))

$(BINDIR)/oshim: FORCE
	CGO_ENABLED=0 GOEXPERIMENT=$(GCEXPERIMENT) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ ./cmd/oshim

# oshim-init is the in-container init, a static C program without a C library
# (internal/initproc/oshim-init); oshim looks for it beside itself.
$(BINDIR)/oshim-init: FORCE
	mkdir -p $(@D)
	$(MAKE) -s -C internal/initproc/oshim-init O=$(abspath $(@D)) VERSION=$(VERSION)

# man writes oshim(8) and oshim-config(5) from the descriptions `oshim help` prints.
man: build
	mkdir -p $(BINDIR)/man
	$(BIN) manpage oshim.8 > $(BINDIR)/man/oshim.8
	$(BIN) manpage oshim-config.5 > $(BINDIR)/man/oshim-config.5

completions: build
	mkdir -p $(BINDIR)/completions
	$(BIN) completion bash > $(BINDIR)/completions/oshim.bash
	$(BIN) completion zsh > $(BINDIR)/completions/_oshim
	$(BIN) completion fish > $(BINDIR)/completions/oshim.fish

# stage lays out what the package holds: the programs `make build` writes ($(BINARIES)),
# and the hook definitions naming the packaged binary.
stage: man completions
	rm -rf $(STAGE)
	mkdir -p $(STAGE)/usr/bin $(STAGE)/usr/share/man/man8 $(STAGE)/usr/share/man/man5 \
		$(STAGE)/usr/share/completions $(STAGE)/usr/share/oshim/hooks.d
	cp $(addprefix $(BINDIR)/,$(BINARIES)) $(STAGE)/usr/bin/
	gzip -9n < $(BINDIR)/man/oshim.8 > $(STAGE)/usr/share/man/man8/oshim.8.gz
	gzip -9n < $(BINDIR)/man/oshim-config.5 > $(STAGE)/usr/share/man/man5/oshim-config.5.gz
	cp $(BINDIR)/completions/* $(STAGE)/usr/share/completions/
	cp install/presets/config.toml $(STAGE)/usr/share/oshim/config.toml
	for f in hooks/oshim-*.json; do \
		sed 's|"/usr/local/bin/oshim"|"/usr/bin/oshim"|' $$f > $(STAGE)/usr/share/oshim/hooks.d/$${f#hooks/}; \
	done

# package builds $(DIST)/oshim_VERSION_ARCH.deb and oshim-VERSION.ARCH.rpm. Installing
# them changes no engine config; see README.md, "The package".
package: stage
	for p in deb rpm; do \
		STAGE=$(abspath $(STAGE)) ARCH=$(PKGARCH) PKGVERSION=$(PKGVERSION) \
			$(NFPM) package --config install/package/nfpm.yaml --packager $$p --target $(DIST)/ || exit 1; \
	done

# release builds static binaries for every arch in RELEASE_ARCHES, with the version and
# commit stamped, into $(RELEASEDIR)/oshim-VERSION-linux-ARCH/, and SHA256SUMS.
release:
	@test -n "$(COMMIT)" || { echo "make release: no commit to stamp (not a git checkout?): give COMMIT=..."; exit 1; }
	rm -rf $(RELEASEDIR)
	$(MAKE) $(foreach a,$(RELEASE_ARCHES),$(foreach b,$(BINARIES),$(RELEASEDIR)/oshim-$(VERSION)-linux-$(a)/$(b)))
	cd $(RELEASEDIR) && sha256sum */* > SHA256SUMS

$(RELEASEDIR)/oshim-$(VERSION)-linux-%/oshim: FORCE
	mkdir -p $(@D)
	CGO_ENABLED=0 GOEXPERIMENT=$(GCEXPERIMENT) GOOS=linux GOARCH=$* $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ ./cmd/oshim

# The init's C compiler for each GOARCH of RELEASE_ARCHES.
INIT_CC_amd64 := x86_64-linux-gnu-gcc
INIT_CC_arm64 := aarch64-linux-gnu-gcc
$(RELEASEDIR)/oshim-$(VERSION)-linux-%/oshim-init: FORCE
	mkdir -p $(@D)
	$(MAKE) -s -C internal/initproc/oshim-init O=$(abspath $(@D)) VERSION=$(VERSION) CC=$(INIT_CC_$*)

# oshim-nodelabel is the Kubernetes node installer's label tool: it goes into the
# installer image, not into the package.
$(BINDIR)/oshim-nodelabel: FORCE
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ ./cmd/oshim-nodelabel

# installer-image builds the Kubernetes node installer's image from `make build`'s bin/,
# oshim-nodelabel, crictl (installed into bin/ from the Go module proxy) and a static
# busybox, on scratch (nothing is pulled). Its name comes from
# install/kubernetes/node-installer.yaml, the one place that names it; push it with
# `podman push $(INSTALLER_IMAGE)`.
INSTALLER_IMAGE ?= $(shell sed -n 's/^ *image: //p' install/kubernetes/node-installer.yaml | head -n 1)
CRICTL          := sigs.k8s.io/cri-tools/cmd/crictl@v1.37.0
installer-image: deps build $(BINDIR)/oshim-nodelabel
	test -x $(BINDIR)/crictl || GOBIN=$(abspath $(BINDIR)) CGO_ENABLED=0 $(GO) install -trimpath -ldflags '-s -w' $(CRICTL)
	install/kubernetes/build-image $(INSTALLER_IMAGE) $(BINDIR)

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
	@$(GO) mod tidy -diff || { echo "go.mod or go.sum is not tidy: run go mod tidy"; exit 1; }
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
	$(MAKE) ab-smoke
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

# ab compares this tree's build with the build of git revision BASE, interleaved in one
# run, each as two byte-identical copies, with crun and with /bin/true as the runtime
# (oshim's own part), and writes test/bench/results/ab.{txt,json} (about 8 minutes):
# make ab BASE=main. A single run of the bench cannot tell builds a millisecond apart
# on a noisy machine; this can, down to the copies' own spread, which it prints.
ABFLAGS ?= -runtimes crun -rounds 200 -micro 400
ab: deps build
	@test -n "$(BASE)" || { echo "make ab: name the revision to compare with: make ab BASE=<git revision>"; exit 2; }
	$(GO) run ./test/bench -oshim $(BIN) -base $(BASE) $(ABFLAGS)

# ab-smoke compares the tree with its own HEAD in a few rounds, so that make ab keeps
# working; its figures mean nothing.
ab-smoke: deps build
	$(GO) run ./test/bench -oshim $(BIN) -base HEAD -runtimes crun -rounds 2 -warmup 1 -micro 5 -out /tmp/oshim-ab-smoke

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
	rm -rf $(BINDIR) $(DIST)
