#!/usr/bin/env bash
# cfn_userdata: the launch template's user data really runs — in a private
# mount namespace, chrooted into a root whose /etc, /usr and /var are
# overlays of this machine's (nothing on the host changes), with the
# stand-in AWS CLI serving the published ebs-autoscale and recorders for
# dnf, systemctl and ebs-autoscale itself (its own tests run it for real).
# Shows: ECS settings appended, the binary installed only when its SHA-256
# matches the pin, the unit and a config installed, init called on
# /dev/xvdba for /scratch with the chosen filesystem, /scratch owned by the
# image's user 10001 with mode 0770, the unit enabled; a wrong pin stops the
# script before anything is installed under the final name.
. "$(dirname "$0")/lib.sh"
cd "$GSA_ROOT"
[ "$(id -u)" -eq 0 ] || skip "needs root (mount namespace, chroot, mknod)"
command -v unshare >/dev/null || skip "no unshare"
unshare -m true 2>/dev/null || skip "mount namespaces are not allowed here"

# the published files, as deploy.sh would put them in the artifacts bucket
pub=$TMP/fake/s3/gsa-artifacts/ebs-autoscale/0.1.0-test
mkdir -p "$pub" "$TMP/fakebin"
cat >"$pub/ebs-autoscale" <<'SH'
#!/bin/sh
# stand-in ebs-autoscale: records its arguments; init makes the mountpoint
echo "ebs-autoscale $*" >>/var/log/recorded
[ "$1" = init ] && mkdir -p /scratch
exit 0
SH
printf '[Service]\nExecStart=/usr/local/bin/ebs-autoscale run --config /etc/gsa/ebs-autoscale.json\n' >"$pub/ebs-autoscale.service"
sha=$(sha256sum "$pub/ebs-autoscale" | cut -d' ' -f1)
for t in dnf systemctl; do
	printf '#!/bin/sh\necho "%s $*" >>/var/log/recorded\n' "$t" >"$TMP/fakebin/$t"
done
printf '#!/bin/sh\nexec node /repo/tests/cfn/fake-aws.js "$@"\n' >"$TMP/fakebin/aws"
chmod +x "$TMP"/fakebin/*

# render: the user data with the stack's parameters filled in, shell part only
render() { # SHA256 FILESYSTEM OUT
	node -e '
	const { template_load } = require("./tests/cfn/template.js");
	const t = template_load("cfn/batch.yml");
	let body = t.Resources.LaunchTemplate.Properties.LaunchTemplateData.UserData["Fn::Base64"]["Fn::Sub"];
	const v = { ArtifactsBucketName: "gsa-artifacts", EbsAutoscalePrefix: "ebs-autoscale/0.1.0-test",
		EbsAutoscaleSha256: process.argv[1], ScratchFilesystem: process.argv[2], ScratchOwner: "10001:10001",
		"AWS::Region": "eu-west-1" };
	body = body.replace(/\$\{([^}!]+)\}/g, (m, k) => { if (!(k in v)) throw new Error("no value for " + k); return v[k]; });
	const part = body.split("Content-Type: text/x-shellscript")[1];
	const script = part.slice(part.indexOf("\n\n") + 2).split("\n--==GSA==")[0];
	require("fs").writeFileSync(process.argv[3], script + "\n");' "$1" "$2" "$3"
}

# run NAME SCRIPT — the script as root of a throw-away system; its root in $TMP/NAME
run() {
	local r=$TMP/$1
	mkdir -p "$r"/{root,etc.up,etc.w,usr.up,usr.w,var}
	mkdir -p "$r/etc.up/ecs" && echo ECS_CLUSTER=gsa-spot_Batch_test >"$r/etc.up/ecs/ecs.config"
	mkdir -p "$r/var/log"
	unshare -m --propagation private bash -c '
		set -e
		r=$1 R=$1/root
		mkdir -p $R/etc $R/usr $R/var $R/dev $R/proc $R/tmp $R/repo $R/fakebin
		mount -t overlay overlay -o lowerdir=/etc,upperdir=$r/etc.up,workdir=$r/etc.w $R/etc
		mount -t overlay overlay -o lowerdir=/usr,upperdir=$r/usr.up,workdir=$r/usr.w $R/usr
		for d in bin sbin lib lib32 lib64; do
			if [ -L /$d ]; then ln -sfn "$(readlink /$d)" $R/$d
			elif [ -d /$d ]; then mkdir -p $R/$d; mount --bind /$d $R/$d; fi
		done
		mount --bind $r/var $R/var
		mount -t tmpfs tmpfs $R/dev
		mknod -m 666 $R/dev/null c 1 3; mknod -m 666 $R/dev/urandom c 1 9
		mknod -m 660 $R/dev/xvdba b 7 0
		mount -t proc proc $R/proc
		mount -t tmpfs tmpfs $R/tmp
		mount --bind "$2" $R/repo
		mount --bind "$3" $R/fakebin
		mount --bind "$4" $R/tmp
		cp "$5" $R/tmp/user-data.sh
		chroot $R /usr/bin/env -i PATH=/fakebin:/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin \
			HOME=/tmp FAKE_AWS_DIR=/tmp/fake /bin/bash /tmp/user-data.sh
	' _ "$r" "$GSA_ROOT" "$TMP/fakebin" "$TMP" "$2"
}

render "$sha" xfs-lvm "$TMP/ok.sh"
run ok "$TMP/ok.sh" >"$TMP/ok.out" 2>&1
_lib_report $? "the user data runs to the end" "$TMP/ok/var/log/gsa-user-data.log"
R=$TMP/ok
check "Spot draining and cached pulls are set for the ECS agent" grep -qx ECS_ENABLE_SPOT_INSTANCE_DRAINING=true "$R/etc.up/ecs/ecs.config"
check "the cluster line Batch wrote is kept" grep -qx ECS_CLUSTER=gsa-spot_Batch_test "$R/etc.up/ecs/ecs.config"
check "the pinned binary is installed, executable" cmp "$pub/ebs-autoscale" "$R/usr.up/local/bin/ebs-autoscale"
check "... with mode 0755" test "$(stat -c %a "$R/usr.up/local/bin/ebs-autoscale")" = 755
check "the unit is installed" cmp "$pub/ebs-autoscale.service" "$R/etc.up/systemd/system/ebs-autoscale.service"
check "a config naming the mountpoint and filesystem is written" grep -qx '{"mountpoint": "/scratch", "filesystem": "xfs-lvm"}' "$R/etc.up/gsa/ebs-autoscale.json"
check "the xfs-lvm tools are installed from the distribution" grep -qx 'dnf install -y -q lvm2 xfsprogs' "$R/var/log/recorded"
check "init on the scratch volume for /scratch with the filesystem" grep -qx 'ebs-autoscale init --device /dev/xvdba --mountpoint /scratch --fs xfs-lvm' "$R/var/log/recorded"
check "/scratch belongs to the image's user 10001:10001, mode 0770" test "$(stat -c '%u:%g %a' "$R/root/scratch" 2>/dev/null || echo gone)" = "10001:10001 770"
check_sh "the unit is enabled and started after init" "grep -n . $R/var/log/recorded | grep -A9 'ebs-autoscale init' | grep -q 'systemctl enable --now ebs-autoscale.service'"
check_sh "everything came from the artifacts bucket (no other download)" "
	! grep -qiE 'curl|wget|git |github' $R/var/log/recorded
	node -e 'for (const l of require(\"fs\").readFileSync(process.argv[1], \"utf8\").trim().split(\"\\n\")) {
		const a = JSON.parse(l).argv; if (a.join(\" \").includes(\"s3://\") && !a.join(\" \").includes(\"s3://gsa-artifacts/ebs-autoscale/0.1.0-test/\")) process.exit(1); }' $TMP/fake/calls.jsonl"

# a published config wins; btrfs skips the LVM tools
echo '{"mountpoint": "/scratch", "filesystem": "btrfs", "limits": {"max_ebs_volume_count": 8}}' >"$pub/ebs-autoscale.json"
render "$sha" btrfs "$TMP/btrfs.sh"
run btrfs "$TMP/btrfs.sh" >"$TMP/btrfs.out" 2>&1
_lib_report $? "with btrfs and a published config the user data runs" "$TMP/btrfs/var/log/gsa-user-data.log"
check "the published config is installed" cmp "$pub/ebs-autoscale.json" "$TMP/btrfs/etc.up/gsa/ebs-autoscale.json"
check_sh "no LVM tools for btrfs" "! grep -q lvm2 $TMP/btrfs/var/log/recorded"
rm "$pub/ebs-autoscale.json"

# a binary that is not the pinned one is refused
render "$(printf '%064d' 0)" xfs-lvm "$TMP/bad.sh"
run bad "$TMP/bad.sh" >"$TMP/bad.out" 2>&1; rc=$?
check "a binary whose SHA-256 is not the pin stops the user data (exit $rc)" test $rc -ne 0
check_sh "... before anything is installed or started" "
	[ ! -e $TMP/bad/usr.up/local/bin/ebs-autoscale ]
	! grep -q 'ebs-autoscale init' $TMP/bad/var/log/recorded 2>/dev/null
	! grep -q systemctl $TMP/bad/var/log/recorded 2>/dev/null
	grep -q 'FAILED' $TMP/bad/var/log/gsa-user-data.log"
finish
