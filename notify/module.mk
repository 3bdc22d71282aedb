# notify: notice texts (web/xsl/notice.xsl), letters, the talon slip, the postal register, the
# MIME message and its transports (SMTP by libcurl, capture for tests),
# the outbox worker.
LIB_SRCS += notify/common.c notify/notice.c notify/pdf.c notify/letter.c \
	notify/talon.c notify/register.c notify/mime.c notify/smtp.c \
	notify/capture.c notify/renderer.c notify/outbox.c
UNIT_TESTS += tests/unit/test_notify.c tests/unit/test_renderer.c
PKGS += pangocairo cairo-pdf libqrencode gmime-3.0

# The renderer process confines itself with seccomp where libseccomp is.
ifeq ($(shell $(PKG_CONFIG) --exists libseccomp && echo yes),yes)
PKGS += libseccomp
FEATURES += -DHAVE_SECCOMP
endif

# The integration test's driver: renders a letter of each kind and sends
# it over SMTP (tests/integration/test_notify_smtp.py).
EXTRA_BINS += $(BUILD)/tests/notify_send
$(BUILD)/tests/notify_send: $(BUILD)/tests/notify_send.o \
    $(BUILD)/libcomplaints.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

# The unit test releases fontconfig's caches at the end, for valgrind.
TEST_LDFLAGS_test_notify = $(shell $(PKG_CONFIG) --libs fontconfig)
