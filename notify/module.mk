# notify: notice texts (web/xsl/notice.xsl), letters, the talon slip, the postal register, the
# MIME message and its transports (SMTP by libcurl, capture for tests),
# the outbox worker.
LIB_SRCS += notify/common.c notify/notice.c notify/documents.c \
	notify/mime.c notify/smtp.c notify/capture.c notify/renderer.c \
	notify/wire.c notify/outbox.c
UNIT_TESTS += tests/unit/test_notify.c tests/unit/test_renderer.c
PKGS += gmime-3.0

# The drawing of the PDFs (cairo, pango, libqrencode) is an archive of
# its own, linked by the renderer program complaints-render and by the
# tools and tests that draw in their own process, never by the daemon.
DRAW_SRCS += notify/pdf.c notify/letter.c notify/talon.c notify/register.c \
	notify/draw.c
DRAW_PKGS += pangocairo cairo-pdf libqrencode

# The renderer program confines itself with seccomp where libseccomp is.
ifeq ($(shell $(PKG_CONFIG) --exists libseccomp && echo yes),yes)
DRAW_PKGS += libseccomp
FEATURES += -DHAVE_SECCOMP
endif

EXTRA_BINS += $(BUILD)/complaints-render
$(BUILD)/complaints-render: $(BUILD)/notify/render.o $(BUILD)/libcomplaints-draw.a \
    $(BUILD)/libcomplaints.a
	$(CC) $(LDFLAGS) -o $@ $^ $(DRAW_LIBS)

# The integration test's driver: renders a letter of each kind and sends
# it over SMTP (tests/integration/test_notify_smtp.py).
EXTRA_BINS += $(BUILD)/tests/notify_send
$(BUILD)/tests/notify_send: $(BUILD)/tests/notify_send.o \
    $(BUILD)/libcomplaints-draw.a $(BUILD)/libcomplaints.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS) $(DRAW_LIBS)

# The unit test releases fontconfig's caches at the end, for valgrind.
TEST_LDFLAGS_test_notify = $(shell $(PKG_CONFIG) --libs fontconfig)
