#!/bin/bash
# xfs-lvm (the Amazon Linux 2023 tools): init makes PV + VG + LV + XFS and a
# growth runs pvcreate/vgextend/lvextend/xfs_growfs with an argv.  Where the
# kernel has no device-mapper (this sandbox: /dev/mapper/control: No such
# device), LVM cannot activate a logical volume: the test then checks what
# can run -- pvcreate and vgcreate through the daemon's exec, and a clear
# one-line error naming lvcreate and device-mapper with exit code 3 -- and
# says so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_ebs.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root (loop devices, LVM)"
for t in pvcreate vgcreate lvcreate mkfs.xfs xfs_growfs; do
	command -v $t >/dev/null || { echo "$t missing: run make deps (lvm2, xfsprogs)" >&2; exit 1; }
done
VG=gsa_eas_test_$$
MNT=$TMP/scratch
mkdir -p "$MNT"
export LVM_SUPPRESS_FD_WARNINGS=1
xfs_teardown() {
	umount "$MNT" 2>/dev/null
	vgremove -f "$VG" >/dev/null 2>&1
	local d
	for d in ${XDEV:-} ${XDEV2:-}; do pvremove -y "$d" >/dev/null 2>&1; losetup -d "$d" 2>/dev/null; done
}
at_exit xfs_teardown
truncate -s 600M "$TMP/x.img"
XDEV=$(losetup --find --show "$TMP/x.img")
cat >"$TMP/x.json" <<EOF
{ "mountpoint": "$MNT", "filesystem": "xfs-lvm", "lvm": { "volume_group": "$VG", "logical_volume": "scratch" },
  "state_dir": "$TMP/state" }
EOF

if dmsetup version >/dev/null 2>&1; then
	check "init xfs-lvm" "$EBS" init --config "$TMP/x.json" --device "$XDEV"
	check_sh "XFS mounted on the logical volume" "findmnt -n -o FSTYPE '$MNT' | grep -qx xfs"
	check "init again: idempotent" "$EBS" init --config "$TMP/x.json" --device "$XDEV"
	"$EBS" status --config "$TMP/x.json" >"$TMP/st.txt" 2>&1
	check_sh "status lists the physical volume" "grep -q '^devices: 1' '$TMP/st.txt'"
	echo "# device-mapper available: xfs-lvm init ran in full"
else
	echo "# device-mapper unavailable in this kernel: $(dmsetup version 2>&1 | grep -m1 'mapper')"
	"$EBS" init --quiet --config "$TMP/x.json" --device "$XDEV" >"$TMP/i1.out" 2>&1; rc=$?
	sed 's/^/# init: /' "$TMP/i1.out"
	check_sh "init xfs-lvm without device-mapper: exit 3" "[ $rc -eq 3 ]"
	check_sh "one line naming lvcreate and device-mapper" "[ \$(wc -l <'$TMP/i1.out') -eq 1 ] && grep -q 'lvcreate -y -l 100%FREE -n scratch $VG: exit' '$TMP/i1.out' && grep -qi 'device-mapper' '$TMP/i1.out'"
	check "pvcreate + vgcreate ran through the daemon's exec" vgs "$VG"
	check_sh "the volume group has the device" "pvs --noheadings -o pv_name,vg_name | grep -q '$XDEV *$VG'"
	"$EBS" init --quiet --config "$TMP/x.json" --device "$XDEV" >"$TMP/i2.out" 2>&1; rc2=$?
	check_sh "init again resumes at lvcreate (VG kept, same error)" "[ $rc2 -eq 3 ] && grep -q '^ebs-autoscale: error: lvcreate' '$TMP/i2.out'"
	echo "# not run here: lvcreate, mkfs.xfs on the LV, mount, and the vgextend/lvextend/xfs_growfs growth (they need device-mapper)"
fi
finish
