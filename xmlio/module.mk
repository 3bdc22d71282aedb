LIB_SRCS += xmlio/xmlio.c xmlio/load.c
UNIT_TESTS += tests/unit/test_xmlio.c
