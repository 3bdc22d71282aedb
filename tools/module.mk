# tools: deps.sh (the Debian packages of DEPS), the sanitizer suppressions
# (lsan.supp) and `make valgrind` (not part of check): every unit test
# program under memcheck; any error or a definite leak fails it.
# Suppressions, for memory a library keeps by design only:
# notify/valgrind.supp (Pango's interned languages).  Each program's
# output goes to $(BUILD)/valgrind/NAME.log.
VALGRIND       ?= valgrind
VALGRIND_SUPP  := notify/valgrind.supp
VALGRIND_FLAGS  = --leak-check=full --error-exitcode=1 \
	--errors-for-leak-kinds=definite --track-origins=yes \
	$(VALGRIND_SUPP:%=--suppressions=%)

.PHONY: valgrind
valgrind:
	@if [ "$(SANITIZE)" = 1 ]; then echo "valgrind: not with SANITIZE=1" \
	    "(AddressSanitizer and valgrind exclude each other)" >&2; \
	    exit 1; fi
	@command -v $(VALGRIND) >/dev/null || { echo "valgrind: missing:" \
	    "make deps" >&2; exit 1; }
	@$(MAKE) --no-print-directory -s $(UNIT_BINS) >/dev/null
	@mkdir -p $(BUILD)/valgrind; fail=0; \
	for t in $(UNIT_BINS); do \
		n=$${t##*/}; log=$(BUILD)/valgrind/$$n.log; \
		if $(VALGRIND) $(VALGRIND_FLAGS) $$t >$$log 2>&1; then \
			echo "valgrind: $$n: ok ($$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' $$log | tail -1) errors," \
			    "$$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' $$log | tail -1 | grep . || echo 0) bytes definitely lost)"; \
		else \
			cat $$log; echo "valgrind: $$n: FAILED, see $$log"; \
			fail=1; \
		fi; \
	done; exit $$fail
