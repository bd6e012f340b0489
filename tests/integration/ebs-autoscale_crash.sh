#!/bin/bash
# kill -9 of ebs-autoscale at each step of a growth, then a restart: no
# volume is left unattached or without DeleteOnTermination, the fixture's
# books balance, and the interrupted growth completes.
#   after create          the request after CreateVolume is held, daemon killed
#   after attach          the request after AttachVolume is held, daemon killed
#   before DeleteOnTermination  ModifyInstanceAttribute is held unapplied, daemon killed
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ebs.sh"
ebs_setup

# fill until the used share passes 55 % of the current size
fill_past_half() {
	local mb
	mb=$(df -B1 --output=size,used "$MNT" | tail -n 1 | awk '{ m = (0.56 * $1 - $2) / 1e6; print (m > 1 ? int(m) + 1 : 1) }')
	python3 "$GSA_ROOT/tests/ebs_writer.py" --dir "$MNT" --total "$mb" --prefix "f$1-" --stop-on-enospc >/dev/null
}

round() { # N HOLD-KEY ACTION LABEL
	local n=$1 key=$2 action=$3 label=$4 want=$(( $1 + 1 ))
	check "$label: fill past the threshold" fill_past_half "$n"
	ebs_control "{\"$key\": \"$action\"}"
	ebs_start
	check "$label: daemon reaches the step (request held)" ebs_wait 60 "python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))[\"hung\"] >= 1 else 1)' '$EC2_DIR/books.json'"
	kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=
	cp "$EC2_DIR/books.json" "$TMP/books-killed-$n.json"
	ebs_control '{"release": true}'
	ebs_start
	check "$label: restart completes the growth ($want devices)" ebs_wait 90 "[ \$(btrfs filesystem show '$MNT' | grep -c devid) -ge $want ] && python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); sys.exit(0 if ($EBS_BALANCED) else 1)' '$EC2_DIR/books.json'"
	ebs_stop
	check "$label: books balance (none unattached, none without DeleteOnTermination)" ebs_books "$EBS_BALANCED"
	check "$label: every live volume is in the filesystem" ebs_books \
		"sum(1 for v in b['volumes'].values() if v['state'] != 'deleted') == $n"
}

round 1 hang_after CreateVolume "after create"
check "after create: the unused volume was deleted by the sweep" ebs_books 'sum(1 for v in b["volumes"].values() if v["state"] == "deleted") == 1'
check_sh "after create: sweep logged" "grep -q 'never used: deleting it' '$DLOG'"
round 2 hang_after AttachVolume "after attach"
check "after attach: killed with the volume attached and unprotected" python3 -c \
	'import json,sys; b=json.load(open(sys.argv[1])); sys.exit(0 if any(v["attachment"] and not v["attachment"]["dot"] for v in b["volumes"].values()) else 1)' "$TMP/books-killed-2.json"
check_sh "after attach: restart resumed it" "grep -q 'without DeleteOnTermination: finishing its growth' '$DLOG'"
round 3 hang_before ModifyInstanceAttribute "before DeleteOnTermination"
check "before DeleteOnTermination: the held request was never applied" python3 -c \
	'import json,sys; b=json.load(open(sys.argv[1])); sys.exit(0 if sum(1 for v in b["volumes"].values() if v["attachment"] and not v["attachment"]["dot"]) == 1 else 1)' "$TMP/books-killed-3.json"
check_sh "state file lists every volume" "[ \$(grep -c '\"in-filesystem\"' '$TMP/state/state.json') -eq 3 ]"
echo "# EC2 calls over the three rounds: $(ebs_book_value 'b["calls"]')"
finish
