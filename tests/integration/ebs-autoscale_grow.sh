#!/bin/bash
# ebs-autoscale grows a real btrfs (loop devices from the EC2 fixture) under
# a steady writer that starts at 50 %: the writer never sees ENOSPC, every
# volume ends attached with DeleteOnTermination, found by its NVMe serial,
# tagged and encrypted; nothing is called while idle.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ebs.sh"
RATE=${EBS_TEST_RATE:-40}   # MB/s
TOTAL=${EBS_TEST_TOTAL:-1500} # MB after the 50 % prefill
ebs_setup

check "prefill to 50 %" ebs_fill 530
check_sh "filesystem at >= 50 %" "[ \$(df --output=pcent '$MNT' | tail -n 1 | tr -dc 0-9) -ge 50 ]"
ebs_start
python3 "$GSA_ROOT/tests/ebs_writer.py" --dir "$MNT" --total "$TOTAL" --rate "$RATE" >"$TMP/writer.json" 2>&1 &
WPID=$!
ebs_wait 180 "! kill -0 $WPID 2>/dev/null"
wait "$WPID"; wrc=$?; WPID=
check_sh "writer at $RATE MB/s from 50 %: no ENOSPC" "[ $wrc -eq 0 ] && grep -q '\"enospc\": \[\]' '$TMP/writer.json'"
sed 's/^/# writer: /' "$TMP/writer.json"
check "daemon still running" kill -0 "$DPID"
check_sh "filesystem grew by several devices" "[ \$(btrfs filesystem show '$MNT' | grep -c devid) -ge 3 ]"
check "fixture books balance (every volume attached here, DeleteOnTermination)" ebs_books "$EBS_BALANCED"
check "every created volume is in the filesystem" ebs_books 'all(v["loop"] for v in b["volumes"].values())'
check "volumes carry the instance tags minus aws:*, the creator tag, encryption, gp3 settings" ebs_books \
	'all(v["tags"].get("gsa:ebs-autoscale:creator") == "i-0123456789abcdef0" and v["tags"].get("Name") == "gsa-worker" and v["tags"].get("project") == "gsa" and not any(k.startswith("aws:") for k in v["tags"]) and v["encrypted"] and v["type"] == "gp3" and v["iops"] == 3000 and v["throughput"] == 125 for v in b["volumes"].values())'
check_sh "devices found through the NVMe serial farm" "for l in \$(python3 -c 'import json,sys; [print(v[\"loop\"]) for v in json.load(open(sys.argv[1]))[\"volumes\"].values()]' '$EC2_DIR/books.json'); do btrfs filesystem show '$MNT' | grep -q \"\$l\$\"; done"
check_sh "growth logged with its detection->usable time" "grep -q 'growth done detection_to_usable_s=' '$DLOG'"
grep -o 'growth done.*' "$DLOG" | sed 's/^/# /'
grep -o 'growing reason=[a-z]*' "$DLOG" | sort | uniq -c | sed 's/^/# /'

# idle: no API call while nothing changes
before=$(ebs_book_value 'b["requests"]')
sleep 3
check_sh "idle: zero EC2 requests over 3 s" "[ \$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"requests\"])' '$EC2_DIR/books.json') -eq $before ]"
check_sh "idle: IMDS read only at start (3 reads, 1 token)" "[ \$(grep -c '^GET /latest/meta-data' '$TMP/imds.log') -eq 3 ] && [ \$(grep -c '^PUT /latest/api/token 200 ttl=21600' '$TMP/imds.log') -eq 1 ]"
"$EBS" status --config "$CFG" >"$TMP/status.txt" 2>&1
check_sh "status lists devices, volumes in the filesystem, no error" "grep -q '^devices: ' '$TMP/status.txt' && [ \$(grep -c 'in-filesystem' '$TMP/status.txt') -ge 2 ] && grep -q '^last error: none' '$TMP/status.txt' && grep -q '^daemon: idle' '$TMP/status.txt'"
sed 's/^/# status: /' "$TMP/status.txt"
ebs_stop
check_sh "SIGTERM: daemon logs its stop" "grep -q 'stopping on signal 15' '$DLOG'"
finish
