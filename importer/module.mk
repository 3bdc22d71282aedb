# importer: reads the regulations seed into schemas/data/directory.xml.
LIB_SRCS += importer/text.c importer/parse.c importer/dir.c importer/xml.c
UNIT_TESTS += tests/unit/test_importer.c
MAN_PAGES += man/complaints-import.1

IMPORTER_MAIN := importer/main.c
EXTRA_BINS += $(BUILD)/complaints-import
# LIBA is set after the module files are read: name the archive here.
$(BUILD)/complaints-import: $(BUILD)/importer/main.o $(BUILD)/libcomplaints.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)
