#!/bin/bash
# The static ebs-autoscale runs in an empty chroot against the fixtures: the
# root holds only the binary, its config, the mountpoint (a bind mount of
# the btrfs), the fixture's device farm and /dev (loop devices) -- no
# libraries, no shell, no /etc, no /proc.  It grows the filesystem there.
# Skipped (77) only while the static build is absent (make static).
. "$(dirname "$0")/lib.sh"
SBIN=${GSA_STATIC_BIN:-$GSA_ROOT/build/static/bin}/ebs-autoscale
[ -x "$SBIN" ] || skip "static build absent: $SBIN (make static)"
. "$(dirname "$0")/lib_ebs.sh"
ebs_setup
check_sh "the binary is static (no ELF interpreter)" "! readelf -l '$SBIN' | grep -q 'Requesting program interpreter'"
ROOT=$TMP/root
mkdir -p "$ROOT/scratch" "$ROOT/farm" "$ROOT/dev" "$ROOT/state"
cp "$SBIN" "$ROOT/ebs-autoscale"
chroot_teardown() {
	[ -n "${DPID:-}" ] && kill -9 "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null; DPID=
	local m
	for m in "$ROOT/dev" "$ROOT/farm" "$ROOT/scratch"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
}
at_exit chroot_teardown
mount --bind "$MNT" "$ROOT/scratch" && mount --bind "$EC2_DIR" "$ROOT/farm" && mount --bind /dev "$ROOT/dev" ||
	{ echo "bind mounts failed" >&2; exit 1; }
python3 - "$CFG" "$ROOT/cfg.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["mountpoint"] = "/scratch"
c["state_dir"] = "/state"
c["devices"] = {"by_id_dir": "/farm/by-id", "sys_block_dir": "/farm/sysblock", "dev_dir": "/dev"}
json.dump(c, open(sys.argv[2], "w"))
EOF
check_sh "the root holds nothing else" "[ \"\$(ls '$ROOT' | tr '\n' ' ')\" = 'cfg.json dev ebs-autoscale farm scratch state ' ]"
CHROOT=$(command -v chroot)
ENVV=(env -i AWS_EC2_METADATA_SERVICE_ENDPOINT="$IMDS_URL" AWS_ENDPOINT_URL_EC2="$EC2_URL"
	AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY")
check "--version in the chroot" "${ENVV[@]}" "$CHROOT" "$ROOT" /ebs-autoscale --version
check "prefill past 50 %" ebs_fill 560
"${ENVV[@]}" "$CHROOT" "$ROOT" /ebs-autoscale run --config /cfg.json >>"$DLOG" 2>&1 &
DPID=$!
check "grows in the chroot" ebs_wait 60 "[ \$(btrfs filesystem show '$MNT' | grep -c devid) -ge 2 ]"
check "books balance" ebs_wait 10 "python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); sys.exit(0 if ($EBS_BALANCED) and b[\"volumes\"] else 1)' '$EC2_DIR/books.json'"
"${ENVV[@]}" "$CHROOT" "$ROOT" /ebs-autoscale status --config /cfg.json >"$TMP/status.txt" 2>&1
check_sh "status in the chroot" "grep -q 'in-filesystem' '$TMP/status.txt'"
kill "$DPID"; wait "$DPID"; rc=$?; DPID=
check_sh "SIGTERM: exit 143" "[ $rc -eq 143 ]"
finish
