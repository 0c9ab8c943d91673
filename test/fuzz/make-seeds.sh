#!/bin/bash
# test/fuzz/make-seeds.sh: rebuild the committed seed corpus
# (test/fuzz/corpus/<type>.<text|binary>/<name>) from test/fuzz/seeds.sql,
# run against a throwaway cluster with the extension installed.
#   SP_PREFIX=/tmp/sbx-me test/fuzz/make-seeds.sh
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"
sp_need_packages "${SP_BASE_PACKAGES[@]}"
sp_build_install
sp_cluster_start
corpus=$SP_ROOT/test/fuzz/corpus
rm -rf "$corpus"/*.text "$corpus"/*.binary
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION salesperf' >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -At -F ' ' -f "$SP_ROOT/test/fuzz/seeds.sql" |
	while read -r target name hex; do
		mkdir -p "$corpus/$target"
		printf '%s' "$hex" | perl -ne 'print pack("H*", $_)' >"$corpus/$target/$name"
	done
find "$corpus" -type f | sort | while read -r f; do
	printf '%6d  %s\n' "$(stat -c %s "$f")" "${f#"$SP_ROOT"/}"
done
