# Security info — build, test and run.
#   make test   vet + import rule + go test -race ./... (with a real keyring)
#   make lint   the above checks plus staticcheck
#   make deps   install the system packages the build and tests need
GO ?= go
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# System packages: Fyne's OpenGL/X11 headers, a Secret Service and D-Bus for
# the keyring tests, the sqlite3 tool for the tamper tests, Xvfb to see the window.
DEB_PACKAGES := libgl1-mesa-dev xorg-dev gnome-keyring dbus dbus-x11 sqlite3 xvfb

.PHONY: all build test lint vet importcheck staticcheck deps fuzz bench cli

all: build

# deps installs the Debian/Ubuntu packages that are missing, and says so.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get >/dev/null; then \
			echo "make deps: please install the equivalents of:$$missing" >&2; exit 1; fi; \
		echo "make deps: installing missing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build:
	$(GO) build ./...
	CGO_ENABLED=0 $(GO) build -o bin/securityinfoctl ./cmd/securityinfoctl

cli:
	CGO_ENABLED=0 $(GO) build -o bin/securityinfoctl ./cmd/securityinfoctl

vet:
	$(GO) vet ./...

# importcheck enforces the dependency rule: core never imports Fyne, and
# the command line stays pure Go.
importcheck:
	@if $(GO) list -deps ./core/... | grep -q '^fyne.io/'; then \
		echo "importcheck: core imports Fyne:" >&2; $(GO) list -deps ./core/... | grep '^fyne.io/' >&2; exit 1; fi
	@CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/securityinfoctl || \
		{ echo "importcheck: securityinfoctl must build with CGO_ENABLED=0" >&2; exit 1; }
	@echo "importcheck: ok"

staticcheck:
	$(GO) tool staticcheck ./...

# test runs every test under the race detector, inside a private D-Bus
# session with an unlocked gnome-keyring, so the keyring test uses a real
# Secret Service.
test: deps vet importcheck
	dbus-run-session -- scripts/with-keyring $(GO) test -race -count=1 ./...

lint: deps vet importcheck staticcheck

fuzz:
	$(GO) test ./core -run '^$$' -fuzz FuzzParsePhone -fuzztime 30s
	$(GO) test ./core -run '^$$' -fuzz FuzzParseEmail -fuzztime 30s

bench:
	$(GO) test ./... -run '^$$' -bench . -benchmem
