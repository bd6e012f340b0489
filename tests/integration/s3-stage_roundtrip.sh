#!/usr/bin/env bash
# s3-stage round trips against s3rver: edge sizes around the part size,
# 200 MiB, 2,000 small files (ListObjectsV2 pagination past 1,000 keys),
# prefixes, globs, local paths, --skip-existing, the JSON summary.
. "$(dirname "$0")/lib.sh"
# s3rver lists past 1,000 keys with a DES continuation token: Node >= 17
# needs the OpenSSL legacy provider for that
start_s3rver || exit 1
S=$GSA_BIN/s3-stage
E="--endpoint-url $S3_ENDPOINT --no-progress"
P=5M; PB=$((5 * 1024 * 1024))

# no temp files (".NAME.tmp.XXXXXX") anywhere under a folder
no_temps() { ! find "$1" -name '.*.tmp.*' | grep -q .; }

mkdir -p "$TMP/src" "$TMP/back"
for n in 0 1 $((PB - 1)) $((PB + 1)); do head -c "$n" /dev/urandom >"$TMP/src/f$n"; done
for n in 0 1 $((PB - 1)) $((PB + 1)); do
	check "put $n bytes" "$S" put $E -p $P "$TMP/src/f$n" "s3://gsa-test/edge/f$n"
	check "get $n bytes" "$S" get $E -p $P "s3://gsa-test/edge/f$n" "$TMP/back/f$n"
	check "$n bytes identical" cmp "$TMP/src/f$n" "$TMP/back/f$n"
done

# 200 MiB: multipart up, parallel ranged GETs down
head -c $((200 * 1024 * 1024)) /dev/urandom >"$TMP/big"
check "put 200 MiB (multipart)" "$S" put $E --jobs 8 "$TMP/big" s3://gsa-test/big/big.bin
check "get 200 MiB (ranged)" "$S" get $E --jobs 8 s3://gsa-test/big/big.bin "$TMP/back/big"
check "200 MiB identical" cmp "$TMP/big" "$TMP/back/big"
check "object carries its CRC32C" grep -q gsa-crc32c -r "$S3_DIR/gsa-test/big"
rm -f "$TMP/back/big"

# 2,000 small files: folder up, prefix down (two list pages)
python3 - "$TMP/many" <<'PY'
import os, random, sys
d = sys.argv[1]; r = random.Random(7)
for i in range(2000):
    sub = os.path.join(d, "s%d" % (i % 4))
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "NA%05d.txt" % i), "wb") as f:
        f.write(os.urandom(r.randint(0, 3000)))
PY
check "put 2,000 files (folder)" "$S" put $E "$TMP/many" s3://gsa-test/many/
check "get 2,000 files (prefix, 2 list pages)" "$S" get $E s3://gsa-test/many/ "$TMP/many2"
check "2,000 files identical" diff -r "$TMP/many" "$TMP/many2"
check_sh "2,000 files counted" "[ \$(find '$TMP/many2' -type f | wc -l) -eq 2000 ]"

# glob on the last path part
check "get glob" "$S" get $E 's3://gsa-test/many/s1/NA0001*' "$TMP/glob/"
check_sh "glob matched the same files as the shell" \
	"diff <(cd '$TMP/many/s1' && ls NA0001*) <(ls '$TMP/glob')"
check_exit 4 "glob without matches fails" "$S" get $E 's3://gsa-test/many/s1/XX*' "$TMP/none/"

# several sources into a folder; trailing-slash destination
check "several sources" "$S" get $E s3://gsa-test/edge/f1 s3://gsa-test/edge/f0 "$TMP/multi"
check_sh "several sources land in the folder" "cmp '$TMP/src/f1' '$TMP/multi/f1' && cmp '$TMP/src/f0' '$TMP/multi/f0'"

# local paths through the same commands (one job spec, laptop or AWS)
check "get local -> local" "$S" get $E "$TMP/src/f1" "$TMP/loc/copy1"
check "put local folder -> local" "$S" put $E "$TMP/many/s2" "$TMP/loc/s2"
check_sh "local copies identical" "cmp '$TMP/src/f1' '$TMP/loc/copy1' && diff -r '$TMP/many/s2' '$TMP/loc/s2'"

# --skip-existing: nothing moves the second time; a changed file is restored
check "get again with --skip-existing" sh -c "'$S' get $E --log-format json --skip-existing s3://gsa-test/many/s1/ '$TMP/many2/s1' 2>'$TMP/skip.json'"
check_sh "all 500 skipped" "grep -q '\"objects\":0' '$TMP/skip.json' && grep -q '\"skipped\":500' '$TMP/skip.json'"
echo changed >"$TMP/many2/s0/NA00000.txt"
check "skip-existing restores a changed file" "$S" get $E --skip-existing s3://gsa-test/many/s0/ "$TMP/many2/s0"
check "restored file identical" cmp "$TMP/many/s0/NA00000.txt" "$TMP/many2/s0/NA00000.txt"
check "put again with --skip-existing" sh -c "'$S' put $E --log-format json --skip-existing '$TMP/src/f$((PB + 1))' s3://gsa-test/edge/f$((PB + 1)) 2>'$TMP/skip2.json'"
check_sh "multipart object skipped by CRC32C" "grep -q '\"skipped\":1' '$TMP/skip2.json'"

# JSON summary: objects, bytes, seconds, MB/s, retries
check "json summary" sh -c "'$S' get $E --log-format json s3://gsa-test/edge/f1 '$TMP/j1' 2>'$TMP/sum.json'"
check_sh "json summary fields" "python3 -c 'import json,sys; d=json.loads(open(\"$TMP/sum.json\").read().splitlines()[-1]); assert d[\"objects\"]==1 and d[\"bytes\"]==1 and \"seconds\" in d and \"mb_per_s\" in d and d[\"retries\"]==0, d'"
# off a terminal: no live (\r) line; the progress log's line at the finish, then one summary
check_sh "no live progress line on a pipe: the finish's progress line and one summary line" "'$S' get --endpoint-url $S3_ENDPOINT s3://gsa-test/edge/f1 '$TMP/j2' 2>'$TMP/pipe.err'; [ \$(wc -l <'$TMP/pipe.err') -eq 2 ] && ! grep -q \$'\\r' '$TMP/pipe.err' && [ \$(grep -c '^s3-stage: get objects=1 ' '$TMP/pipe.err') -eq 1 ] && grep -q '^s3-stage: progress done unit=bytes done=1 total=1 ' '$TMP/pipe.err'"
check "no temp files left" no_temps "$TMP"
finish
