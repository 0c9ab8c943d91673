# salesperf: PGXS build.
#
# The install script is assembled from one SQL file per KPI family
# (src/*.sql), each living next to the C file that implements it, so a family
# is read and changed in one place.  The result, salesperf--$(EXTVERSION).sql,
# is a build product and is not committed.
#
# upgrade/ holds what older releases need: the install script of every
# earlier release exactly as it shipped (salesperf--0.1.0.sql,
# salesperf--0.2.0.sql: frozen, so CREATE EXTENSION salesperf VERSION 'x'
# installs what users have), and one upgrade script per release
# (salesperf--OLD--NEW.sql).  The module keeps every C symbol an older
# script references.

EXTENSION   = salesperf
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big  = salesperf
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
# funnel.sql returns kpi_ratio (ratio.sql), so it comes after the others
SQL_PARTS   = src/salesperf.sql $(filter-out src/salesperf.sql src/funnel.sql,$(sort $(wildcard src/*.sql))) src/funnel.sql

DATA_built  = $(EXTENSION)--$(EXTVERSION).sql
DATA        = $(wildcard upgrade/$(EXTENSION)--*.sql)
EXTRA_CLEAN = $(EXTENSION)--$(EXTVERSION).sql $(EXTENSION)-*.tar.gz

REGRESS      = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

PG_CFLAGS  = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
             -Wno-missing-field-initializers
PG_CPPFLAGS = -I$(srcdir)/src

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS) $(EXTENSION).control
	cat $(SQL_PARTS) > $@

# libFuzzer with ASan and UBSan against every type's input and receive
# (FUZZ_SECONDS per target, default 60)
.PHONY: fuzz
fuzz:
	$(srcdir)/test/fuzz/run.sh $(FUZZ_SECONDS)

# The regression suite with salesperf built with ASan and UBSan (a minute)
.PHONY: sanitize-check
sanitize-check:
	$(srcdir)/test/sanitize/run.sh

# The regression suite under Valgrind memcheck (about an hour on 2 cores)
.PHONY: valgrind-check
valgrind-check:
	$(srcdir)/test/valgrind/run.sh

# The release tarball salesperf-$(EXTVERSION).tar.gz (DISTFILE), made by git
# archive from the commit HEAD (uncommitted changes are not in it), every
# path under salesperf-$(EXTVERSION)/.  It holds what a PGXS build and
# install need (Makefile, control file, src/, upgrade/) and the user
# documents; the test suites, their data (test/data: the UCI and Maven data
# sets, never installed, stay out of the tarball as well), the developer
# scripts, the demo and the CI entry point are in the git repository only.
# test/shell/dist.sh builds and installs the tarball with PGXS alone.
DISTFILE ?= $(EXTENSION)-$(EXTVERSION).tar.gz
DIST_EXCLUDE = test sql expected scripts demo .ci .gitignore
.PHONY: dist
dist:
	git -C $(srcdir) archive --format=tar.gz --prefix=$(EXTENSION)-$(EXTVERSION)/ \
		-o $(abspath $(DISTFILE)) HEAD -- . $(addprefix ':(exclude)',$(DIST_EXCLUDE))
