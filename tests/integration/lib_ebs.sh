# tests/integration/lib_ebs.sh — helpers for the ebs-autoscale tests (source
# it after lib.sh).  Real parts: the IMDSv2 and EC2 fixtures on 127.0.0.1,
# sparse files on loop devices, btrfs.
#
#   ebs_setup [ec2-fixture args...]  root check, fixtures, initial 1 GiB loop
#                                     device ($INIT_DEV), btrfs on $MNT, config
#                                     $CFG (edit with ebs_config_set)
#   ebs_config_set 'python: c["key"]=...'   change the config JSON
#   ebs_start                          start the daemon ($DPID), log $DLOG
#   ebs_books 'python expression on b' exit 0 when true (b = the fixture's books)
#   ebs_wait SECONDS 'shell test'      bounded wait until the test passes
#   ebs_control '{"json": ...}'        POST to the fixture's /_control
#   ebs_fill MB                        write MB at full speed (no ENOSPC allowed)
#
# Everything is torn down by one at_exit, in order: daemon, writer, mount,
# fixture (detaches its loop devices), initial loop device, any loop device
# still bound to a file under $TMP.

EBS=${EBS:-$GSA_BIN/ebs-autoscale}
EC2_GIB_MIB=${EC2_GIB_MIB:-128} # one fixture "GiB" is this many MiB

ebs_teardown() {
	[ -n "${WPID:-}" ] && kill "$WPID" 2>/dev/null
	[ -n "${DPID:-}" ] && kill -9 "$DPID" 2>/dev/null
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		mountpoint -q "$MNT" 2>/dev/null || break
		umount "$MNT" 2>/dev/null || sleep 0.3
	done
	if [ -n "${EC2_PID:-}" ]; then
		kill "$EC2_PID" 2>/dev/null
		for i in $(seq 50); do kill -0 "$EC2_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$EC2_PID" 2>/dev/null
	fi
	[ -n "${IMDS_PID:-}" ] && kill "$IMDS_PID" 2>/dev/null
	[ -n "${INIT_DEV:-}" ] && losetup -d "$INIT_DEV" 2>/dev/null
	# backstop: any loop device still bound to one of our files
	local l
	for l in $(losetup -n -O NAME,BACK-FILE 2>/dev/null | awk -v t="$TMP" 'index($2, t) == 1 { print $1 }'); do
		losetup -d "$l" 2>/dev/null
	done
}

ebs_wait() { # SECONDS 'shell test'
	local n=$(( $1 * 10 ))
	while [ $n -gt 0 ]; do
		bash -c "$2" >/dev/null 2>&1 && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

ebs_books() { python3 -c "import json,sys; b=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$EC2_DIR/books.json"; }

ebs_book_value() { python3 -c "import json,sys; b=json.load(open(sys.argv[1])); print($1)" "$EC2_DIR/books.json"; }

ebs_control() {
	python3 -c "import sys,urllib.request as u; u.urlopen(u.Request(sys.argv[1]+'/_control', data=sys.argv[2].encode(), method='POST'), timeout=10).read()" \
		"$EC2_URL" "$1"
}

# no volume is creating/available/detaching; every live volume is attached
# here, attached, with DeleteOnTermination; the fixture saw no internal error
EBS_BALANCED='not b["errors"] and all(v["state"] == "deleted" or (v["attachment"] and v["attachment"]["state"] == "attached" and v["attachment"]["dot"] and v["attachment"]["instance"] == "i-0123456789abcdef0") for v in b["volumes"].values())'

ebs_config_set() {
	python3 - "$CFG" "$1" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(c, open(sys.argv[1], "w"), indent=1)
EOF
}

ebs_start_fixtures() {
	EC2_DIR=$TMP/ec2
	mkdir -p "$EC2_DIR"
	python3 "$GSA_ROOT/tests/aws_metadata_fixture.py" --port-file "$TMP/imds.port" --log "$TMP/imds.log" \
		--region eu-west-3 >"$TMP/imds.out" 2>&1 &
	IMDS_PID=$!
	python3 "$GSA_ROOT/tests/ec2_fixture.py" --port-file "$TMP/ec2.port" --dir "$EC2_DIR" --region eu-west-3 \
		--gib-mib "$EC2_GIB_MIB" "$@" >"$TMP/ec2.out" 2>&1 &
	EC2_PID=$!
	ebs_wait 20 "[ -s '$TMP/imds.port' ] && [ -s '$TMP/ec2.port' ]" || { cat "$TMP/imds.out" "$TMP/ec2.out" >&2; return 1; }
	IMDS_URL=http://127.0.0.1:$(cat "$TMP/imds.port")
	EC2_URL=http://127.0.0.1:$(cat "$TMP/ec2.port")
	export AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDS_URL AWS_ENDPOINT_URL_EC2=$EC2_URL
	export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=ec2-fixture-secret
	unset AWS_SESSION_TOKEN AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_EC2_METADATA_DISABLED
}

ebs_write_config() {
	CFG=$TMP/ebs-autoscale.json
	cat >"$CFG" <<EOF
{
 "mountpoint": "$MNT",
 "filesystem": "btrfs",
 "volume": {"type": "gp3", "iops": 3000, "throughput": 125, "encrypted": true},
 "detection_interval": 0.2,
 "limits": {"min_ebs_volume_size": 1, "max_ebs_volume_size": 64, "max_logical_volume_size": 1000,
            "max_ebs_volume_count": 16},
 "thresholds": {"1": 50, "4": 80, "7": 90},
 "volume_sizes": {"1": 4},
 "prediction": {"enabled": true, "initial_lead_time": 5, "safety_factor": 2},
 "api": {"backoff_base_ms": 50, "backoff_cap_ms": 1000},
 "state_dir": "$TMP/state",
 "logging": {"log_interval": 5},
 "devices": {"by_id_dir": "$EC2_DIR/by-id", "sys_block_dir": "$EC2_DIR/sysblock", "dev_dir": "/dev"}
}
EOF
}

ebs_setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices, mount)"
	[ -w /dev/loop-control ] || skip "no /dev/loop-control (loop devices unavailable)"
	command -v mkfs.btrfs >/dev/null || { echo "mkfs.btrfs missing: run make deps (btrfs-progs)" >&2; exit 1; }
	MNT=$TMP/scratch
	mkdir -p "$MNT"
	at_exit ebs_teardown
	ebs_start_fixtures "$@" || exit 1
	truncate -s 1G "$TMP/init.img"
	INIT_DEV=$(losetup --find --show "$TMP/init.img") || { echo "losetup failed" >&2; exit 1; }
	ebs_write_config
	"$EBS" init --config "$CFG" --device "$INIT_DEV" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; exit 1; }
	DLOG=$TMP/daemon.log
}

ebs_start() {
	"$EBS" run --config "$CFG" >>"$DLOG" 2>&1 &
	DPID=$!
}

# stop the daemon with SIGTERM (bounded), then SIGKILL
ebs_stop() {
	[ -n "${DPID:-}" ] || return 0
	kill "$DPID" 2>/dev/null
	local i
	for i in $(seq 100); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=
}

ebs_fill() { python3 "$GSA_ROOT/tests/ebs_writer.py" --dir "$MNT" --total "$1" --prefix "fill" --stop-on-enospc >"$TMP/fill.json"; }

ebs_used_pct() { df --output=pcent "$MNT" | tail -n 1 | tr -dc 0-9; }

ebs_fs_devices() { btrfs filesystem show "$MNT" 2>/dev/null | grep -c 'devid'; }
