#!/bin/bash
# ebs-autoscale failures: a clear one-line error and the README's exit code
# (bad config 2, missing file / filesystem 3, IMDS / permission 4, usage 1);
# a permission lost while running is loud and shown in status, never a
# silent exit; init is idempotent; cleanup deletes what was created.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ebs.sh"
ebs_setup

one_line() { # exit-code name pattern cmd...: exit code, stderr one line matching pattern
	local want=$1 name=$2 pat=$3; shift 3
	"$@" >"$TMP/o.out" 2>"$TMP/o.err"; local rc=$?
	if [ $rc -eq "$want" ] && [ "$(wc -l <"$TMP/o.err")" -eq 1 ] && grep -qE -- "$pat" "$TMP/o.err"; then
		echo "ok $name"; sed 's/^/#   /' "$TMP/o.err"
	else
		echo "not ok $name"; echo "#   exit $rc (want $want)"; sed 's/^/#   /' "$TMP/o.err" | head -5; _lib_failed=1
	fi
}

# usage
one_line 1 "no command: usage error" "missing command" "$EBS"
one_line 1 "unknown command" "unknown command 'grow'" "$EBS" grow
one_line 1 "init without --device" "init needs --device" "$EBS" init --config "$CFG"

# configuration
printf '{ "mountpoint": "/scratch",\n  "limits": { "max_ebs_volume_count": 16, }\n}\n' >"$TMP/bad1.json"
one_line 2 "malformed JSON: file and line named" "bad1.json: line 2: " "$EBS" run --config "$TMP/bad1.json"
printf '{ "mountpoint": "/scratch", "volume": { "tpye": "gp3" } }\n' >"$TMP/bad2.json"
one_line 2 "unknown key named" 'bad2.json: line 1: key "volume.tpye": unknown key' "$EBS" run --config "$TMP/bad2.json"
printf '{ "limits": { "max_ebs_volume_count": 1000 } }\n' >"$TMP/bad3.json"
one_line 2 "out-of-range value named" 'key "limits.max_ebs_volume_count": 1000 is out of range' "$EBS" status --config "$TMP/bad3.json"
printf '{ "filesystem": "ext4" }\n' >"$TMP/bad4.json"
one_line 2 "bad filesystem kind" 'expected "btrfs" or "xfs-lvm"' "$EBS" run --config "$TMP/bad4.json"
one_line 3 "missing config file" "config: .*nope.json" "$EBS" run --config "$TMP/nope.json"
cp "$CFG" "$TMP/other.json"
sed -i "s#\"mountpoint\": \"$MNT\"#\"mountpoint\": \"$TMP/not-mounted\"#" "$TMP/other.json"
one_line 3 "run on a filesystem that is not mounted" "not a mounted btrfs filesystem" "$EBS" run --quiet --config "$TMP/other.json"

# instance metadata unreachable: closed port
dead=$(free_port)
one_line 4 "IMDS unreachable" "instance metadata \(IMDSv2\) unreachable.*127.0.0.1:$dead" \
	env AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$dead "$EBS" run --quiet --config "$CFG"

# missing permission at start: the DryRun CreateVolume says so
ebs_control '{"deny": ["ec2:CreateVolume"]}'
one_line 4 "UnauthorizedOperation at start" "missing IAM permission.*ec2:CreateVolume: UnauthorizedOperation" \
	"$EBS" run --quiet --config "$CFG"
check "no volume created" ebs_books 'not b["volumes"]'

# a permission lost while running: loud, in status, daemon keeps running, nothing leaks
ebs_control '{"deny": ["ec2:AttachVolume"]}'
ebs_fill 560
ebs_start
check "growth failure logged as an error" ebs_wait 30 "grep -q 'growth of .* failed .*ec2:AttachVolume: UnauthorizedOperation' '$DLOG'"
check "low disk is loud while it cannot grow" ebs_wait 30 "grep -q 'LOW DISK: .* cannot grow: ' '$DLOG'"
check "daemon does not exit" kill -0 "$DPID"
"$EBS" status --config "$CFG" >"$TMP/status.txt" 2>&1
check_sh "status shows the failure" "grep -q '^daemon: failing' '$TMP/status.txt' && grep -q '^last error: .*UnauthorizedOperation' '$TMP/status.txt'"
sed 's/^/# status: /' "$TMP/status.txt" | grep -E 'daemon:|last error'
check "the created volume was deleted again (nothing leaks)" ebs_wait 20 "python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); sys.exit(0 if b[\"volumes\"] and all(v[\"state\"] == \"deleted\" for v in b[\"volumes\"].values()) else 1)' '$EC2_DIR/books.json'"
# permission back: the next retry grows
ebs_control '{"deny": []}'
check "growth succeeds once the permission is back" ebs_wait 60 "[ \$(btrfs filesystem show '$MNT' | grep -c devid) -ge 2 ]"
ebs_stop
check "books balance" ebs_books "$EBS_BALANCED"

# token TTL from the config reaches IMDS
ebs_config_set 'c["imds"] = {"token_ttl_seconds": 30}'
ebs_start
check "token TTL from the config" ebs_wait 20 "grep -q '^PUT /latest/api/token 200 ttl=30' '$TMP/imds.log'"
ebs_stop

# init again: idempotent
one_line 0 "init twice: already initialised" "already initialised" "$EBS" init --config "$CFG" --device "$INIT_DEV"
# init on a device with data on it: mkfs refuses
truncate -s 200M "$TMP/other.img"
OTHER=$(losetup --find --show "$TMP/other.img")
mkfs.ext4 -q -F "$OTHER" >/dev/null 2>&1
mkdir -p "$TMP/m2"
one_line 3 "init on a device holding ext4: refused" "mkfs.btrfs -q $OTHER: exit" "$EBS" init --quiet --device "$OTHER" --mountpoint "$TMP/m2"
losetup -d "$OTHER"

# cleanup: refused while mounted, then detaches and deletes every volume
one_line 3 "cleanup while mounted: refused" "still mounted" "$EBS" cleanup --quiet --config "$CFG"
umount "$MNT"
check "cleanup after unmount" "$EBS" cleanup --config "$CFG"
check "cleanup: every volume deleted" ebs_wait 20 "python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); sys.exit(0 if all(v[\"state\"] == \"deleted\" for v in b[\"volumes\"].values()) else 1)' '$EC2_DIR/books.json'"
finish
