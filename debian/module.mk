# The Debian package (debian/): make deb builds it with debhelper from a
# copy of the tracked files in $(DEB_DIR), so that dpkg-buildpackage's
# output (written beside the source) stays in the build folder; make
# check-deb checks its build dependencies against the libraries the build
# links, lints it and verifies the units (part of make check).
DEB_VERSION := $(shell dpkg-parsechangelog -l debian/changelog -S Version \
	2>/dev/null)
DEB_DIR     := $(BUILD)/deb
DEB_FILE    := $(DEB_DIR)/complaintsd_$(DEB_VERSION)_amd64.deb
DEB_UNITS   := debian/complaintsd.service \
	debian/complaintsd.complaints-backup.service \
	debian/complaintsd.complaints-backup.timer

.PHONY: deb check-deb check-package
deb:
	@rm -rf $(DEB_DIR)/src $(DEB_DIR)/*.deb
	@mkdir -p $(DEB_DIR)/src
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 cp -a --parents -t $(DEB_DIR)/src
	cd $(DEB_DIR)/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -b -us -uc -nc \
		-j$(or $(DEB_JOBS),2) >../build.log 2>&1 || \
		{ tail -40 ../build.log; exit 1; }
	@echo "deb: $(DEB_FILE)"

check-deb: deb
	@sh debian/check-build-depends.sh debian/control $(sort $(PKGS) $(DRAW_PKGS))
	lintian --fail-on error --display-info --show-overrides \
		$(DEB_FILE)
	@sh debian/verify-units.sh $(DEB_FILE)

# Not part of make check: needs root, the network once, and a minute.
check-package: deb
	sh debian/check-package.sh $(DEB_FILE) $(BUILD)
