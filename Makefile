# complaintsd and complaintctl: plain GNU make.
#
#   make            build everything
#   make check      install missing packages, build, run every test
#   make run        install missing packages, build, start the daemon in the
#                   foreground on 127.0.0.1:8080 with a data folder in ./run
#   make install    PREFIX=/usr/local DESTDIR=
#   make lint       mandoc -Tlint, cppcheck
#   make bench      benchmarks (not part of check)
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (fuzz/module.mk);
#                   make check runs fuzz-ci (30 s each) with CI=true or FUZZ=1
#   make valgrind   every unit test program under valgrind (tools/module.mk)
#   make check CI=true   also the whole suite again with SANITIZE=1 (no
#                   browser journeys, 10 crash rounds) and fuzz-ci,
#                   warnings as errors: what CI runs
#
# Each module is a folder with a module.mk that adds to LIB_SRCS,
# UNIT_TESTS and friends; this file only knows the pattern.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
SBINDIR  ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec/complaints
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share/complaints
SYSCONFDIR ?= $(PREFIX)/etc
DESTDIR  ?=

CC       ?= cc
CFLAGS   ?= -O2 -g
PKG_CONFIG ?= pkg-config
PKGS     := libmicrohttpd sqlite3 libxml-2.0 libcurl libsodium
# What only the drawing links (DRAW_SRCS: the renderer program, and the
# tools and tests that draw in their own process); never the daemon.
DRAW_PKGS :=

# The Debian packages the build and the tests need: the one list.
# chromium, nodejs and npm run the status page's browser test
# (tests/browser); a node or npm already on PATH (a newer Node.js, whose
# package brings its own npm and conflicts with Debian's) is used instead.
DEPS := build-essential pkg-config libsqlite3-dev sqlite3 libxml2-dev \
	libxml2-utils libmicrohttpd-dev libcurl4-gnutls-dev libgnutls28-dev \
	libcmocka-dev libsodium-dev tzdata mandoc python3 python3-aiosmtpd \
	libcairo2-dev libpango1.0-dev libqrencode-dev fonts-dejavu-core \
	poppler-utils curl chromium wrk clang libclang-rt-14-dev valgrind \
	libxslt1-dev xsltproc libseccomp-dev libsystemd-dev libgmime-3.0-dev \
	libxlsxwriter-dev libjansson-dev clang-format debhelper dpkg-dev lintian fakeroot \
	systemd python3-prometheus-client openssl debootstrap python3-openpyxl \
	$(if $(shell command -v node 2>/dev/null),,nodejs) \
	$(if $(shell command -v npm 2>/dev/null),,npm)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-unused-parameter -Wvla
ifeq ($(CI),true)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

ifeq ($(SANITIZE),1)
# Warnings stay warnings here (CI's normal build makes them errors): the
# instrumentation gives gcc's flow warnings false positives (-Wrestrict
# on tests/unit/test_web.c at -O1).
CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined -Wno-error
LDFLAGS += -fsanitize=address,undefined
BUILD ?= build-san
# Every sanitized program the tests start inherits these: fontconfig keeps
# its configuration until exit by design (tools/lsan.supp).
export LSAN_OPTIONS ?= suppressions=$(CURDIR)/tools/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS ?= print_stacktrace=1
endif
BUILD ?= build

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) $(DRAW_PKGS))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS))
DRAW_LIBS  = $(shell $(PKG_CONFIG) --libs $(DRAW_PKGS)) -lpthread -lm
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -I. $(WARN) $(PKG_CFLAGS) $(FEATURES) \
	-DDATADIR='"$(DATADIR)"' -DNOTIFY_RENDERER_DIR='"$(LIBEXECDIR)"' \
	-DSYSCONFDIR='"$(SYSCONFDIR)"' -MMD -MP $(CPPFLAGS) $(CFLAGS)
ALL_LIBS   = $(PKG_LIBS) -lpthread -lm

LIB_SRCS   :=
DRAW_SRCS  :=
FEATURES   :=
DAEMON_SRCS :=
CTL_SRCS   :=
UNIT_TESTS :=
EXTRA_BINS :=
MAN_PAGES  :=

# The first rule is the default goal: `make` alone builds everything.
# The modules included below add their programs to it.
.PHONY: all
all:

include $(sort $(wildcard */module.mk))

LIB_OBJS    := $(LIB_SRCS:%.c=$(BUILD)/%.o)
DAEMON_OBJS := $(DAEMON_SRCS:%.c=$(BUILD)/%.o)
CTL_OBJS    := $(CTL_SRCS:%.c=$(BUILD)/%.o)
UNIT_BINS   := $(UNIT_TESTS:tests/unit/%.c=$(BUILD)/tests/%)
LIBA        := $(BUILD)/libcomplaints.a
DRAW_OBJS   := $(DRAW_SRCS:%.c=$(BUILD)/%.o)
DRAW_LIBA   := $(BUILD)/libcomplaints-draw.a

.PHONY: all check test run install lint bench fuzz deps clean unit integration
all: $(BUILD)/complaintsd $(BUILD)/complaintctl $(EXTRA_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(DRAW_LIBA): $(DRAW_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/complaintsd: $(DAEMON_OBJS) $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(BUILD)/complaintctl: $(CTL_OBJS) $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

# A test that draws in its own process calls notify_draw_here().
$(BUILD)/tests/%: tests/unit/%.c $(LIBA) $(DRAW_LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(DRAW_LIBA) $(LIBA) $(TEST_LDFLAGS_$*) \
		$(ALL_LIBS) $(DRAW_LIBS) -lcmocka

deps:
	@sh tools/deps.sh $(DEPS)

check: deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory check-deb
ifeq ($(CI)$(SANITIZE),true)
	@$(MAKE) --no-print-directory test SANITIZE=1
endif
ifneq ($(filter true,$(CI))$(filter 1,$(FUZZ)),)
	@$(MAKE) --no-print-directory fuzz-ci
else
	@echo "check: fuzzing skipped (runs with CI=true or FUZZ=1; make fuzz)"
endif

test: all $(UNIT_BINS) $(BUILD)/bench/gen
	@BUILD=$(BUILD) CI=$(CI) SANITIZE=$(SANITIZE) \
	    CRASH_ROUNDS=$(or $(CRASH_ROUNDS),$(if $(filter 1,$(SANITIZE)),10,30)) \
	    sh tests/run.sh $(UNIT_BINS)

unit: $(UNIT_BINS)
	@BUILD=$(BUILD) sh tests/run.sh --unit-only $(UNIT_BINS)

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p run
	@test -f run/complaintsd.conf || sed \
		-e 's|^#data_dir = .*|data_dir = run|' \
		-e 's|^#schema_dir = .*|schema_dir = schemas|' \
		complaintsd.conf.sample > run/complaintsd.conf
	@test "$$(id -u)" != 0 || grep -q '^test_keep_root' \
		run/complaintsd.conf || printf '%s\n' '# make run as root' \
		'test_keep_root = 1' >> run/complaintsd.conf
	./$(BUILD)/complaintsd -d -f run/complaintsd.conf

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)/schemas/data \
		$(DESTDIR)$(DATADIR)/web/lang $(DESTDIR)$(DATADIR)/web/xsl \
		$(DESTDIR)$(SYSCONFDIR)
	install -m 755 $(BUILD)/complaintsd $(BUILD)/complaints-mailgate \
		$(DESTDIR)$(SBINDIR)/
	install -m 755 $(BUILD)/complaintctl $(BUILD)/complaints-import \
		$(DESTDIR)$(BINDIR)/
	install -m 755 $(BUILD)/complaints-render $(DESTDIR)$(LIBEXECDIR)/
	install -m 644 schemas/*.xsd $(DESTDIR)$(DATADIR)/schemas/
	for f in schemas/data/*.xml; do [ -f "$$f" ] && \
		install -m 644 "$$f" $(DESTDIR)$(DATADIR)/schemas/data/; done; true
	install -m 644 web/status.css web/desk.css $(DESTDIR)$(DATADIR)/web/
	install -m 644 web/lang/*.xml $(DESTDIR)$(DATADIR)/web/lang/
	install -m 644 web/xsl/*.xsl $(DESTDIR)$(DATADIR)/web/xsl/
	for m in $(MAN_PAGES); do s=$${m##*.}; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	test -f $(DESTDIR)$(SYSCONFDIR)/complaintsd.conf || install -m 644 \
		complaintsd.conf.sample $(DESTDIR)$(SYSCONFDIR)/complaintsd.conf

lint:
	mandoc -Tlint -W warning $(MAN_PAGES)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -I. $(LIB_SRCS) $(DAEMON_SRCS) $(CTL_SRCS) \
		$(DRAW_SRCS) notify/render.c

clean:
	rm -rf build build-san

-include $(shell find $(BUILD) -path $(BUILD)/deb -prune -o -name '*.d' \
	-type f -print 2>/dev/null)
