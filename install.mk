# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# install.mk - included from the Makefile: version, --metrics's HTTP library,
# make install, the man page check and the Debian package (docs/metrics.md,
# README "Install from the .deb, run as a service, scrape").
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   binary, pinscope.8, unit,
#                                                 bash completion
#   make deb        dpkg-buildpackage -us -uc -b: ../pinscope_*.deb
#   make test-install   install into a temporary DESTDIR and check the files
#   make test-package   build the .deb (in a copy of the sources), lintian,
#                       dpkg -x it and check the same files
#   make test-package-clean   build it in a clean Debian chroot with only
#                       debian/control's Build-Depends, lintian, apt install it
#                       into another clean chroot, its autopkgtest, apt remove
#                       (tests/package-clean.sh; chroots cached in PINSCOPE_CACHE)
_install_saved_goal := $(.DEFAULT_GOAL)

# The version is the one of debian/changelog (upstream part); the revision
# is git's, or "unknown" outside a git checkout
VERSION := $(shell sed -n '1{s/^[^0-9]*//;s/[^0-9.].*//;p}' debian/changelog)
GIT_REV ?= $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
# The bug address is debian/control's Maintainer address, declared there only
# (--help's "Report bugs to"; the changelog and the lintian overrides name it
# too: tests/cli.sh checks they agree)
BUG_ADDRESS := $(shell sed -n 's/^Maintainer:.*<\([^>]*\)>.*/\1/p' debian/control)

# version.h is rewritten only when its text changes (no needless rebuilds)
$(OUTPUT)/version.h: FORCE | $(OUTPUT)
	$(Q)printf '#define PINSCOPE_VERSION "%s"\n#define PINSCOPE_REVISION "%s"\n#define PINSCOPE_BUG_ADDRESS "%s"\n' \
		'$(VERSION)' '$(GIT_REV)' '$(BUG_ADDRESS)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(OUTPUT)/user/options.o $(OUTPUT)/user/report/prom.o: $(OUTPUT)/version.h
.PHONY: FORCE
FORCE:

# --metrics: libmicrohttpd in the dynamic binary (user/http/mhd.c); the static
# one gets user/http/none.c (a clear error), because Debian's libmicrohttpd.a
# needs gnutls and Debian ships no static libp11-kit/libunistring for it
USER_LIBS += -lmicrohttpd
# (the server is not in USER_SRCS: the unit tests link without one; the
# Makefile's user/%.o rule compiles it)
$(OUTPUT)/pinscope: $(OUTPUT)/user/http/serve.o $(OUTPUT)/user/http/mhd.o
$(OUTPUT)/pinscope.static: $(OUTPUT)/user/http/serve.o $(OUTPUT)/user/http/none.o

# --- make install ---
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL ?= install

.PHONY: install uninstall deb test-install test-package test-package-clean

install: $(OUTPUT)/pinscope
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(BASHCOMPDIR)
	$(Q)$(INSTALL) -m 755 $(OUTPUT)/pinscope $(DESTDIR)$(BINDIR)/pinscope
	$(Q)gzip -9n < docs/pinscope.8 > $(DESTDIR)$(MANDIR)/man8/pinscope.8.gz
	$(Q)chmod 644 $(DESTDIR)$(MANDIR)/man8/pinscope.8.gz
	$(Q)sed 's|@BINDIR@|$(BINDIR)|g' tools/pinscope.service.in > $(DESTDIR)$(UNITDIR)/pinscope.service
	$(Q)chmod 644 $(DESTDIR)$(UNITDIR)/pinscope.service
	$(Q)$(INSTALL) -m 644 tools/pinscope.bash-completion $(DESTDIR)$(BASHCOMPDIR)/pinscope

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pinscope $(DESTDIR)$(MANDIR)/man8/pinscope.8.gz \
		$(DESTDIR)$(UNITDIR)/pinscope.service $(DESTDIR)$(BASHCOMPDIR)/pinscope

deb:
	dpkg-buildpackage -us -uc -b

# make install into a temporary DESTDIR; the .deb built, linted, dpkg -x'ed
test-install: $(OUTPUT)/pinscope
	$(Q)tests/install.sh

test-package:
	$(Q)tests/install.sh --deb

test-package-clean:
	$(Q)tests/package-clean.sh

.DEFAULT_GOAL := $(_install_saved_goal)
