LIB_SRCS += xmlio/xmlio.c
UNIT_TESTS += tests/unit/test_xmlio.c
