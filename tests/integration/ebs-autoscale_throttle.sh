#!/bin/bash
# With RequestLimitExceeded on 50 % of EC2 requests, growth still completes
# (retries with capped exponential backoff and jitter), and the books balance.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ebs.sh"
ebs_setup --throttle-pct 50 --seed 7

check "prefill past 50 %" ebs_fill 560
ebs_start
check "growth completes under 50 % throttling" ebs_wait 120 "[ \$(btrfs filesystem show '$MNT' | grep -c devid) -ge 2 ]"
check "throttling was really injected" ebs_books 'b["throttled"] >= 3'
ebs_stop
check "books balance" ebs_books "$EBS_BALANCED"
check "one volume, in the filesystem" ebs_books 'sum(1 for v in b["volumes"].values() if v["state"] != "deleted") == 1'
check_sh "daemon counted the throttled requests" "grep -q '\"api_throttled\": [1-9]' '$TMP/state/state.json'"
echo "# EC2 requests for start-up + one growth at 50 % throttling: $(ebs_book_value 'b["requests"]') (throttled $(ebs_book_value 'b["throttled"]')), calls $(ebs_book_value 'b["calls"]')"
grep -o 'growth done.*' "$DLOG" | sed 's/^/# /'
finish
