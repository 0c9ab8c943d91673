# scripts/lib.sh: set-up shared by scripts/demo and scripts/test.
#
# Installs what is missing (Debian packages, as root), builds and installs
# the extension, and runs a throwaway PostgreSQL cluster whose socket lives
# in a temporary directory (no TCP port is opened).  Sourced, not run.

SP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SP_PGVER=${SP_PGVER:-15}
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$SP_PGVER/bin/pg_config}
# SP_PREFIX (optional, for developers running several trees at once): a
# private copy of the server made by scripts/dev-sandbox; the extension is
# installed there (DESTDIR) and the cluster runs its binaries.
SP_PREFIX=${SP_PREFIX:-}
SP_PGBIN=$SP_PREFIX/usr/lib/postgresql/$SP_PGVER/bin

sp_log() { printf '==> %s\n' "$*" >&2; }

# Install the Debian packages named, if any is missing; with SP_PREFIX,
# also copy their server files (extensions, libraries) into the sandbox,
# which may have been made before they were installed
sp_need_packages() {
	sp_install_packages "$@" || return 1
	[ -n "$SP_PREFIX" ] || return 0
	local p f
	for p in "$@"; do
		dpkg-query -L "$p" 2>/dev/null | while read -r f; do
			case $f in /usr/lib/postgresql/*|/usr/share/postgresql/*) ;; *) continue ;; esac
			[ -f "$f" ] && [ ! -e "$SP_PREFIX$f" ] || continue
			mkdir -p "$SP_PREFIX$(dirname "$f")" && cp -p "$f" "$SP_PREFIX$f"
		done
	done
}

sp_install_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing Debian packages: ${missing[*]}" >&2
		echo "install them as root (apt-get install ${missing[*]}) or run this as root" >&2
		return 1
	fi
	sp_log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	sp_apt_update && apt-get "${SP_APT_WAIT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Another apt or dpkg run (the lead's, unattended-upgrades) holding the lock
# is waited for, up to SP_APT_LOCK_WAIT seconds, instead of failing the run.
# DPkg::Lock::Timeout covers the dpkg frontend lock that apt-get install
# takes; apt 2.6 (Debian 12) does not apply it to the package lists lock that
# apt-get update takes, so that one is retried while the lock is busy.
SP_APT_LOCK_WAIT=${SP_APT_LOCK_WAIT:-600}
SP_APT_WAIT=(-o "DPkg::Lock::Timeout=$SP_APT_LOCK_WAIT")
sp_apt_update() {
	local waited=0 log
	log=$(mktemp /tmp/salesperf-apt.XXXXXX)
	until apt-get "${SP_APT_WAIT[@]}" "$@" update -qq >"$log" 2>&1; do
		if ! grep -q 'Could not get lock' "$log" || [ "$waited" -ge "$SP_APT_LOCK_WAIT" ]; then
			cat "$log" >&2; rm -f "$log"; return 1
		fi
		[ "$waited" -eq 0 ] && sp_log "apt is busy (another apt or dpkg run); waiting for its lock"
		sleep 5; waited=$((waited + 5))
	done
	rm -f "$log"
}

# Packages every run needs: the server, headers and a compiler toolchain
SP_BASE_PACKAGES=(postgresql-$SP_PGVER postgresql-server-dev-$SP_PGVER make gcc)

# Build and install the extension into the server's directories
sp_build_install() {
	sp_log "building and installing salesperf"
	make -C "$SP_ROOT" -s clean >/dev/null 2>&1 || true
	make -C "$SP_ROOT" -s >/dev/null &&
		make -C "$SP_ROOT" -s install ${SP_PREFIX:+DESTDIR=$SP_PREFIX} >/dev/null
}

# TAP for the scripts that print it: sp_ok STATUS DESCRIPTION (status 0 is a
# pass), sp_bail MESSAGE, and sp_tap_done (the plan; false if any failed)
SP_TAP_N=0
SP_TAP_FAILED=0
sp_ok() {
	SP_TAP_N=$((SP_TAP_N + 1))
	if [ "$1" -eq 0 ]; then echo "ok $SP_TAP_N - $2"; else
		echo "not ok $SP_TAP_N - $2"
		SP_TAP_FAILED=$((SP_TAP_FAILED + 1))
	fi
}
sp_bail() { echo "Bail out! $*"; exit 1; }
sp_tap_done() { echo "1..$SP_TAP_N"; [ "$SP_TAP_FAILED" -eq 0 ]; }

# For runs that install a special build (Valgrind, fuzzing), which must never
# reach /usr: a private work directory SP_WORK that the server user can use,
# SP_RUNAS (the prefix that runs a command as that user when we are root),
# and, without SP_PREFIX, a throwaway sandbox inside SP_WORK
sp_private_work() {
	SP_WORK=$(mktemp -d "/tmp/salesperf-$1.XXXXXX") || return 1
	chmod 755 "$SP_WORK"
	SP_RUNAS=()
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$SP_WORK"
		SP_RUNAS=(runuser -u postgres --)
	fi
	if [ -z "$SP_PREFIX" ]; then
		SP_PREFIX=$SP_WORK/sandbox
		"$SP_ROOT/scripts/dev-sandbox" "$SP_PREFIX" >/dev/null || return 1
		SP_PGBIN=$SP_PREFIX/usr/lib/postgresql/$SP_PGVER/bin
	fi
	[ -x "$SP_PGBIN/postgres" ] ||
		{ echo "no server in SP_PREFIX=$SP_PREFIX (run scripts/dev-sandbox $SP_PREFIX)" >&2; return 1; }
}

# Build a variant of the extension in a private copy of the tree (so the
# tree's own build products are left alone) and install it into the sandbox
# SP_PREFIX; make variables (COPT=..., CC=...) come as arguments.  Used by the
# Valgrind and fuzzing runs, whose builds must never reach /usr.
sp_build_variant() {
	local dir=$1
	shift
	mkdir -p "$dir/test" &&
		cp -r "$SP_ROOT/Makefile" "$SP_ROOT"/*.control "$SP_ROOT/src" "$SP_ROOT/sql" \
			"$SP_ROOT/expected" "$dir/" &&
		cp -r "$SP_ROOT/test/data" "$SP_ROOT/test/fuzz" "$dir/test/" || return 1
	if [ -d "$SP_ROOT/upgrade" ]; then cp -r "$SP_ROOT/upgrade" "$dir/" || return 1; fi
	# the copy may carry the tree's own objects: build everything anew
	make -C "$dir" -s clean >/dev/null &&
		make -C "$dir" -s "$@" &&
		make -C "$dir" -s install "$@" DESTDIR="$SP_PREFIX"
}

# Packages the sanitized builds need: clang, libFuzzer, the compiler-rt
# runtimes, and llvm-symbolizer for readable reports
SP_SANITIZER_PACKAGES=(clang libfuzzer-14-dev libclang-rt-14-dev llvm-14)

# The extension built by clang with AddressSanitizer, UndefinedBehavior-
# Sanitizer and libFuzzer's coverage, together with test/fuzz/fuzz_driver.c
# (the fuzz entry point, the sanitizers' built-in options, the canaries),
# in a copy of the tree under DIR and installed into SP_PREFIX.  The ASan
# runtime is a dependency of the library, so the server need not preload it.
# Extra compiler flags come as arguments.
sp_build_sanitized() {
	local dir=$1 rt objs
	shift
	rt=$(clang -print-runtime-dir) || return 1
	objs="$(cd "$SP_ROOT" && ls src/*.c | sed 's/\.c$/.o/' | tr '\n' ' ')test/fuzz/fuzz_driver.o test/fuzz/agg_driver.o"
	sp_build_variant "$dir" CC=clang with_llvm=no OBJS="$objs" \
		CFLAGS="-O1 -g -fno-omit-frame-pointer -Wno-ignored-attributes -Wno-unused-command-line-argument -fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link $*" \
		SHLIB_LINK="-shared-libasan -Wl,-rpath,$rt -Wl,--whole-archive $rt/libclang_rt.fuzzer_no_main-x86_64.a -Wl,--no-whole-archive -lstdc++"
}

# initdb a cluster in DIR/data whose socket lives in DIR (no TCP port), as
# the server user (SP_RUNAS), with the settings every test cluster uses plus
# the postgresql.conf lines given
sp_initdb() {
	local dir=$1 port=$2 line
	shift 2
	(cd "$dir" && "${SP_RUNAS[@]}" "$SP_PGBIN/initdb" -D "$dir/data" -U postgres -A trust \
		--no-sync -E UTF8 --locale=C) >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; return 1; }
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$dir'"
		echo "port = $port"
		echo "fsync = off"
		echo "max_worker_processes = 16"
		echo "max_parallel_workers = 8"
		echo "work_mem = 64MB"
		for line in "$@"; do echo "$line"; done
	} >>"$dir/data/postgresql.conf"
}

# Start a throwaway cluster; sets PGHOST/PGPORT/PGUSER/PGDATABASE.
# Extra postgresql.conf lines come as arguments.
sp_cluster_start() {
	SP_TMP=$(mktemp -d /tmp/salesperf.XXXXXX)
	chmod 755 "$SP_TMP"
	SP_RUNAS=()
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$SP_TMP"
		SP_RUNAS=(runuser -u postgres --)
	fi
	sp_initdb "$SP_TMP" 5432 "shared_buffers = 512MB" "log_min_messages = warning" "$@" || return 1
	# the server user may not be able to enter the caller's directory
	(cd "$SP_TMP" && "${SP_RUNAS[@]}" "$SP_PGBIN/pg_ctl" -D "$SP_TMP/data" -l "$SP_TMP/server.log" -w start) >/dev/null ||
		{ cat "$SP_TMP/server.log" >&2; return 1; }
	export PGHOST=$SP_TMP PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
	trap sp_cluster_stop EXIT
}

sp_cluster_stop() {
	[ -n "${SP_TMP:-}" ] && [ -d "$SP_TMP/data" ] || return 0
	(cd / && "${SP_RUNAS[@]}" "$SP_PGBIN/pg_ctl" -D "$SP_TMP/data" -m immediate stop >/dev/null 2>&1)
	rm -rf "$SP_TMP"
	SP_TMP=
}
