# Security info — build, test and run.
#   make run          open the window on the default data folder
#   make test         vet + import rule + go test -race ./... (with a real keyring)
#   make lint         the above checks plus staticcheck and gocyclo (no function over 30)
#   make screenshots  PNGs of the main states, real driver under Xvfb, in docs/screenshots
#   make startup      start-up time of the window against an empty Fyne window
#   make serve        the central service on a local SQLite folder (127.0.0.1:8443)
#   make deps         install the system packages the build and tests need
#   make package      Linux .tar.xz and .debs, the signed Windows .exe and .msi,
#                     securityinfoctl for Linux, Windows and macOS, in dist/ (make deps-package first)
#   make package-check  checks the packages are what they claim (CI runs it)
#   make windows-check  the Windows window's cgo build (mingw-w64) and go vet for Windows
#   make windows-smoke  installs the .msi under Wine 10 (a cached Debian 13 chroot) and runs it (the release check)
GO ?= go
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# System packages: Fyne's OpenGL/X11 and Wayland headers (Fyne 2.8 picks
# Wayland or X11 at run time), a Secret Service and D-Bus for
# the keyring tests, the sqlite3 tool for the tamper tests, PostgreSQL for
# the PostgreSQL store's tests (scripts/with-postgres runs a throw-away server),
# OpenLDAP's slapd and tools for the directory's tests (scripts/with-ldap),
# Samba's AD domain controller for its Active Directory tests
# (scripts/with-samba-ad), openssl for their certificates, and FreeRADIUS's
# radclient for the RADIUS server's test against a client we did not write.
DEB_PACKAGES := libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev wayland-protocols gnome-keyring dbus dbus-x11 sqlite3 postgresql libfido2-dev slapd ldap-utils openssl \
	samba samba-ad-provision samba-dsdb-modules samba-vfs-modules freeradius-utils
# To look at the window without a display: Xvfb, xdotool, ImageMagick's import.
DEB_DESKTOP := xvfb xauth xdotool imagemagick
# To package: the Windows cross compiler, wixl and msiinfo, osslsigncode and
# openssl (a throw-away signing certificate), dpkg-deb, file, xz.
DEB_PACKAGE := gcc-mingw-w64-x86-64 msitools wixl osslsigncode openssl dpkg-dev file xz-utils
# For the Wine smoke test: debootstrap makes its Debian 13 chroot (Wine 10,
# Xvfb, Mesa, ImageMagick and tesseract are installed inside it).
DEB_WINDOWS_SMOKE := debootstrap

# The version is cmd/securityinfo/FyneApp.toml's; the commit and the build date are set here.
VERSION := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' cmd/securityinfo/FyneApp.toml)
# A build from a checkout with changes says so: COMMIT-modified.
COMMIT := $(shell c=$$(git rev-parse --short=12 HEAD 2>/dev/null) && { git diff --quiet HEAD 2>/dev/null || c=$$c-modified; echo $$c; } || echo unknown)
DATE := $(shell date -u $${SOURCE_DATE_EPOCH:+-d @$$SOURCE_DATE_EPOCH} +%Y-%m-%dT%H:%M:%SZ)
VPKG := github.com/securityinfo/securityinfo/internal/version
LDFLAGS := -X $(VPKG).Version=$(VERSION) -X $(VPKG).Commit=$(COMMIT) -X $(VPKG).Date=$(DATE)
export VERSION COMMIT DATE

# The window's build tags. no_emoji leaves out Fyne's 4 MB emoji font, which
# Fyne 2.8 parses again for every text style it draws (regular, bold, …):
# 7.5 MB of the window's resident memory at start (docs/desktop.md,
# Start-up). The window has no emoji of its own; a name with one is drawn
# from the system's fonts. scripts/package adds accessibility on Windows.
APP_TAGS := no_emoji
export APP_TAGS

.PHONY: serve all build run test lint vet importcheck staticcheck gocyclo deps deps-desktop deps-package install-packages fuzz bench cli screenshots goldens startup package package-check print-ldflags print-app-tags \
	windows-check windows-smoke deps-windows-smoke

all: build

# deps installs the Debian/Ubuntu packages that are missing, and says so.
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"

deps-desktop: deps
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_DESKTOP)"

deps-package: deps
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGE)"

deps-windows-smoke:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_WINDOWS_SMOKE)"

install-packages:
	@missing=""; for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get >/dev/null; then \
			echo "make deps: please install the equivalents of:$$missing" >&2; exit 1; fi; \
		echo "make deps: installing missing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

build: deps
	$(GO) build -tags "$(APP_TAGS)" -ldflags "$(LDFLAGS)" -o bin/securityinfo ./cmd/securityinfo
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/securityinfod ./cmd/securityinfod
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o bin/securityinfoctl ./cmd/securityinfoctl

# package builds every package into dist/ (scripts/package says how); a
# real code-signing certificate comes through SIGN_PKCS12 and
# SIGN_PASSWORD, else a throw-away one is made.
package: deps-package
	GO=$(GO) LDFLAGS="$(LDFLAGS)" scripts/package

print-ldflags:
	@echo '$(LDFLAGS)'

print-app-tags:
	@echo '$(APP_TAGS)'

package-check: package
	scripts/package-check

# windows-check builds the Windows window as the package does (cgo through
# mingw-w64: webauthn.h's types are checked here) and vets its Windows-only code.
WINDOWS_ENV := GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++
windows-check:
	@$(MAKE) --no-print-directory install-packages PACKAGES=gcc-mingw-w64-x86-64
	$(WINDOWS_ENV) $(GO) build -tags "accessibility,$(APP_TAGS)" -o /dev/null ./cmd/securityinfo
	$(WINDOWS_ENV) $(GO) vet ./cmd/securityinfo ./ui

# windows-smoke installs dist/'s .msi under Wine 10 and runs the window and
# securityinfoctl.exe there (scripts/windows-smoke; root for its chroot).
windows-smoke: deps-windows-smoke
	scripts/windows-smoke

# run opens the window on the default data folder (embedded SQLite,
# outbox delivery). Pass ARGS="--data DIR --key-file FILE" to choose others.
run: deps
	$(GO) run -tags "$(APP_TAGS)" ./cmd/securityinfo $(ARGS)

# serve starts the central service on an embedded SQLite folder in .serve/
# (plain HTTP on loopback); then: make run ARGS="--server http://127.0.0.1:8443"
serve:
	mkdir -p .serve
	$(GO) run ./cmd/securityinfod --listen 127.0.0.1:8443 --store sqlite:.serve/data --key-file .serve/key

cli:
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o bin/securityinfoctl ./cmd/securityinfoctl

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
# Secret Service, beside a throw-away PostgreSQL server for the
# PostgreSQL store, and a throw-away OpenLDAP server and Samba AD domain
# controller for the directory (the latter runs as root: through sudo for
# anyone else, on the fixed ports 389 and 636). Then the test matrix's other setting: every service
# test of the core on PostgreSQL, and every window flow through the
# central service's API (SECURITYINFO_TEST_STORE, SECURITYINFO_TEST_VIA;
# docs/architecture.md). core alone takes about 4 minutes under the race
# detector on 2 cores, 6 on a loaded machine: go test's default 10-minute
# limit per package is too close.
test: deps vet importcheck
	dbus-run-session -- scripts/with-keyring scripts/with-postgres scripts/with-ldap scripts/with-samba-ad sh -c '\
		$(GO) test -race -count=1 -timeout 25m ./... && \
		SECURITYINFO_TEST_STORE=postgres SECURITYINFO_TEST_VIA=http $(GO) test -race -count=1 -timeout 25m ./core ./ui'


lint: deps vet importcheck staticcheck gocyclo windows-check

# gocyclo keeps every function of the programs and the core below a
# cyclomatic complexity of 31 (tests, long lists of checks, are left out).
gocyclo:
	@out=$$($(GO) tool gocyclo -over 30 -ignore '_test\.go$$' .); \
	if [ -n "$$out" ]; then echo "gocyclo: split these functions (over 30):" >&2; echo "$$out" >&2; exit 1; fi; \
	echo "gocyclo: ok"

fuzz:
	$(GO) test ./core -run '^$$' -fuzz FuzzParsePhone -fuzztime 30s
	$(GO) test ./core -run '^$$' -fuzz FuzzParseEmail -fuzztime 30s

bench:
	$(GO) test ./core -run '^$$' -bench 'ConfirmCode|ListTenMethods|AppendAudit' -benchmem
	GO=$(GO) scripts/bench-ratio

# screenshots renders the main states with the real OpenGL driver under
# Xvfb into docs/screenshots (linked from the README and docs/).
screenshots: deps-desktop
	rm -rf docs/screenshots
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots xvfb-run -a -s "-screen 0 1280x800x24" \
		$(GO) test -tags "screenshots,$(APP_TAGS)" -timeout 5m -count=1 -run 'TestScreenshots' ./ui
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots SCREENSHOTS_THEME=light xvfb-run -a -s "-screen 0 1280x800x24" \
		$(GO) test -tags "screenshots,$(APP_TAGS)" -timeout 5m -count=1 -run 'TestScreenshots' ./ui

# goldens rewrites the window's golden markup after a deliberate change.
goldens:
	rm -rf ui/testdata
	-scripts/with-postgres scripts/with-ldap $(GO) test ./ui >/dev/null 2>&1
	mv ui/testdata/failed/*.xml ui/testdata/ && rmdir ui/testdata/failed
	scripts/with-postgres scripts/with-ldap $(GO) test ./ui

# startup compares the window's start-up time with an empty Fyne window's.
startup: deps-desktop
	scripts/startup-ratio
