#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# spdx.sh - every source file names its licence in a one-line tag
#
# Source files: C, shell, Lua, JavaScript, the build files, quickstart,
# CI's script and debian/rules. The tag must be within a file's first
# ten lines, spelt "SPDX-License-Identifier: BSD-2-Clause" (LICENSE).
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 99

list() {
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$top" ls-files
	else
		find . -path ./build -prune -o -path ./tests/node -prune -o \
		    -path ./debian/.debhelper -prune -o -type f -print |
		    sed 's|^\./||'
	fi
}

n=0
bad=0
for f in $(list | grep -E '(\.(c|h|sh|lua|js|am|ac)$|^quickstart$|^\.ci/run$|^debian/rules$)' |
    grep -v -e '^tests/fuzz/corpus/' -e '^tests/node/'); do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if ! head -n 10 "$f" | grep -q 'SPDX-License-Identifier: BSD-2-Clause'; then
		echo "no SPDX tag: $f"
		bad=$((bad + 1))
	fi
done
grep -q "BSD 2-Clause" LICENSE || { echo "LICENSE is not BSD-2-Clause"; bad=$((bad + 1)); }
echo "$n source files, $bad without the tag"
[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
