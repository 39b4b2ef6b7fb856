#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# timeout.sh TEST [ARG...] - run TEST, at most TEST_TIMEOUT seconds (1200):
# a test that hangs then fails and its log says so, and the daemons it
# started (its process group) go with it
limit=${TEST_TIMEOUT:-1200}
timeout -k 30 "$limit" "$@"
rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "FAIL: $1 did not finish within $limit s (stopped)"
	exit 1
fi
exit "$rc"
