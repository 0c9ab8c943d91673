#!/bin/bash
# make dist: the release tarball salesperf-<version>.tar.gz, from git
# archive of HEAD, builds and installs with PGXS alone: unpacked in a
# temporary directory, `make` (with -Werror) and `make install DESTDIR=...`
# succeed and install the module, the control file, the install script of
# the default version and every frozen script and upgrade script.  It holds
# no test data (test/data) and nothing else outside what the build needs.
# Needs no cluster; prints TAP.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
work=$(mktemp -d /tmp/salesperf-dist.XXXXXX)
trap 'rm -rf "$work"' EXIT

if ! git -C "$SP_ROOT" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	sp_ok 0 "# SKIP make dist: $SP_ROOT is not a git checkout"
	sp_tap_done; exit
fi
version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$SP_ROOT/salesperf.control")
tarball=$work/salesperf-$version.tar.gz
make -C "$SP_ROOT" -s dist DISTFILE="$tarball" >"$work/dist.log" 2>&1 && [ -s "$tarball" ]
sp_ok $? "make dist makes salesperf-$version.tar.gz"

tar -tzf "$tarball" >"$work/list" 2>&1
[ -s "$work/list" ] && ! grep -qv "^salesperf-$version/" "$work/list"
sp_ok $? "every path is under salesperf-$version/ ($(wc -l <"$work/list") entries)"
! grep -qE "^salesperf-$version/(test|sql|expected|scripts|demo|\.ci)/|\.csv$" "$work/list"
sp_ok $? "no test data (test/data), test suite, scripts, demo or CI files in the tarball"
# what the tarball must hold is what git has of the build's inputs
missing=
for f in $(cd "$SP_ROOT" && git ls-files Makefile salesperf.control src upgrade); do
	grep -qx "salesperf-$version/$f" "$work/list" || missing="$missing $f"
done
[ -z "$missing" ]
sp_ok $? "the Makefile, control file, src/ and upgrade/ are all in it${missing:+ (missing:$missing)}"

mkdir -p "$work/unpacked" && tar -xzf "$tarball" -C "$work/unpacked" &&
	make -C "$work/unpacked/salesperf-$version" -s PG_CONFIG="$PG_CONFIG" >"$work/build.log" 2>&1
status=$?
[ $status -eq 0 ] || sed 's/^/# /' "$work/build.log" | tail -20
sp_ok $status "the unpacked tarball builds with PGXS alone (make PG_CONFIG=$PG_CONFIG)"
make -C "$work/unpacked/salesperf-$version" -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$work/dest" >"$work/install.log" 2>&1
status=$?
[ $status -eq 0 ] || sed 's/^/# /' "$work/install.log" | tail -20
sp_ok $status "make install DESTDIR=... succeeds"

pkglib=$work/dest$("$PG_CONFIG" --pkglibdir)
share=$work/dest$("$PG_CONFIG" --sharedir)/extension
missing=
for f in "$pkglib/salesperf.so" "$share/salesperf.control" "$share/salesperf--$version.sql" \
	$(cd "$SP_ROOT/upgrade" && git ls-files 'salesperf--*.sql' | sed "s|^|$share/|"); do
	[ -f "$f" ] || missing="$missing ${f#"$work/dest"}"
done
[ -z "$missing" ]
sp_ok $? "installed: salesperf.so, the control file, salesperf--$version.sql and every script of upgrade/${missing:+ (missing:$missing)}"

sp_tap_done
