#!/usr/bin/env bash
# align: a damaged .gsai index never crashes and never maps: truncated, from
# another version, every header field damaged (with a recomputed header CRC,
# so the field checks must catch it), a flipped byte in every section (found
# by --verify, by `align index --check`, and without either because the
# file changed since its last full check) -> exit 2, one line, nothing
# written.  The intact index passes `align index --check`.
. "$(dirname "$0")/lib.sh"
A=$GSA_BIN/align
D=$GSA_ROOT/tests/data/align
python3 "$D/gen_reads.py" "$TMP" 5 || { echo "not ok generate test data"; exit 1; }
"$A" index "$TMP/ref.fa" 2>/dev/null || { echo "not ok index the test reference"; exit 1; }
mkdir -p "$TMP/out"
check "align index --check passes on the intact index" "$A" index --check "$TMP/ref.fa"

# damaged_map NAME PATTERN [map options] — exit 2, one line matching PATTERN, out/ empty
damaged_map() {
	local name=$1 pat=$2; shift 2
	rm -rf "$TMP/out"/* "$TMP/out"/.[!.]* 2>/dev/null
	"$A" map "$@" "$TMP/bad.fa" "$TMP/r1.fq" "$TMP/r2.fq" -o "$TMP/out/x.bam" >/dev/null 2>"$TMP/stderr"; local rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/stderr")" -eq 1 ] && grep -q -- "$pat" "$TMP/stderr" && [ -z "$(ls -A "$TMP/out")" ]; then
		echo "ok $name"
	else
		echo "not ok $name"; echo "#   exit $rc"; sed 's/^/#   /' "$TMP/stderr" | head -3; _lib_failed=1
	fi
}
cp "$TMP/ref.fa" "$TMP/bad.fa"; touch -d '2000-01-01' "$TMP/bad.fa"
# patch OFFSET FORMAT VALUE [fixcrc] — copy the index with one header field changed
patch() {
	python3 - "$TMP/ref.fa.gsai" "$TMP/bad.fa.gsai" "$@" <<'PY'
import struct, sys
src, dst, off, fmt, val = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
fix = len(sys.argv) > 6
d = bytearray(open(src, 'rb').read())
size = struct.calcsize('<' + fmt)
old = struct.unpack_from('<' + fmt, d, off)[0]
if val.startswith('old'):
    new = old + int(val[3:])          # old+N / old-N
elif '<<' in val:
    a, b = val.split('<<'); new = int(a) << int(b)
else:
    new = int(val)
struct.pack_into('<' + fmt, d, off, new & ((1 << (8 * size)) - 1))
def crc32c(b):
    c = 0xffffffff
    for x in b:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ (0x82f63b78 & -(c & 1))
    return c ^ 0xffffffff
if fix:
    struct.pack_into('<I', d, 12, 0)
    struct.pack_into('<I', d, 12, crc32c(bytes(d[:280])))
open(dst, 'wb').write(bytes(d))
PY
	rm -f "$TMP/bad.fa.gsai.verified"
}

head -c 200 "$TMP/ref.fa.gsai" >"$TMP/bad.fa.gsai"; damaged_map "index cut inside its header -> exit 2" "truncated"
head -c 5000 "$TMP/ref.fa.gsai" >"$TMP/bad.fa.gsai"; damaged_map "index cut in its body -> exit 2" "truncated"
patch 8 I 1; damaged_map "index of another version -> exit 2, says rebuild" "version 1, this build reads version 2: rebuild with \`align index\`"
patch 16 I 21; damaged_map "damaged field without its CRC -> header checksum" "header checksum mismatch"

# every header field, CRC recomputed: name offset format new-value
while read -r name off fmt val; do
	patch "$off" "$fmt" "$val" fix
	damaged_map "damaged header field $name -> exit 2" "corrupt index"
done <<'FIELDS'
k 16 I 20
w 20 I 0
bucket_bits 24 I old+1
key_bits 28 I old+1
pos_bits 32 I old+1
total 64 Q old+8
n_contigs 72 Q old+1
n_contigs_huge 72 Q 1<<60
n_nruns 80 Q old+1
n_keys 88 Q old+1
n_slots 96 Q old+1
n_pos 104 Q old+100
contigs_off 112 Q old+8
contigs_len 120 Q old+24
names_off 136 Q 1<<62
nruns_len 168 Q old+16
pac_off 184 Q old+1
pac_len 192 Q old-1
pos_off 208 Q old+8
pos_len 216 Q old+1
keys_off 232 Q old-8
keys_len 240 Q old+1
dir_off 256 Q old+8
dir_len 264 Q old+8
FIELDS
patch 40 Q old+1 fix; damaged_map "damaged header field file_size -> exit 2" "truncated or corrupt"

# a flipped byte in every section
for sec in 0 1 2 3 4 5 6; do
	python3 - "$TMP/ref.fa.gsai" "$TMP/bad.fa.gsai" "$sec" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
s = int(sys.argv[3])
off, ln = struct.unpack_from('<QQ', d, 112 + 24 * s)
d[off + ln // 2] ^= 0x40
open(sys.argv[2], 'wb').write(bytes(d))
PY
	rm -f "$TMP/bad.fa.gsai.verified"
	damaged_map "flipped byte in section $sec, map --verify -> exit 2" "checksum mismatch" --verify
	damaged_map "flipped byte in section $sec, changed since its last check -> exit 2" "checksum mismatch"
	check_exit 2 "flipped byte in section $sec: align index --check -> exit 2" "$A" index --check "$TMP/bad.fa"
done
check_sh "the intact index maps (control), without a full check once stamped" "
	'$A' map --verbose '$TMP/ref.fa' '$TMP/r1.fq' '$TMP/r2.fq' -o '$TMP/out/ok.bam' 2>'$TMP/ok.err'; samtools quickcheck '$TMP/out/ok.bam'
	grep -q 'index loaded.*verified=0' '$TMP/ok.err'"
finish
