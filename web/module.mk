# web: the view layer (XSLT stylesheets in web/xsl/, one catalogue of
# texts per language in web/lang/, the style sheets) and the citizens'
# status page.
PKGS += libxslt
LIB_SRCS += web/lang.c web/view.c web/status.c
UNIT_TESTS += tests/unit/test_web.c
