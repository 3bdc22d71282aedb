# web: the citizens' status page (texts in web/lang/, the page's
# skeleton in web/page.html, its style in web/status.css).
LIB_SRCS += web/lang.c web/load.c web/render.c
UNIT_TESTS += tests/unit/test_web.c
