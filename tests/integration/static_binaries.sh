#!/usr/bin/env bash
# The static build (`make static`, build/static/bin): one binary per
# tools/*/main.c; `file` says statically linked; each runs in an empty chroot
# holding only itself, /etc/hosts, /etc/resolv.conf and the CA bundle —
# s3-stage and job there reach s3rver by the name localhost, and s3-stage
# talks TLS to a local HTTPS server whose certificate is in that CA bundle
# (and refuses it when it is not); a second build is byte-identical; the
# SBOM names every library with its version and licence.
. "$(dirname "$0")/lib.sh"
SBIN=$GSA_ROOT/build/static/bin
[ -d "$SBIN" ] || skip "no static build (make static)"
[ "$(id -u)" -eq 0 ] || skip "chroot needs root"
# never ask the instance metadata service for credentials
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1

tools=()
for m in "$GSA_ROOT"/tools/*/main.c; do t=${m%/main.c}; tools+=("${t##*/}"); done

ca=/etc/ssl/certs/ca-certificates.crt
# mkroot DIR TOOL: an empty root with the tool, hosts, resolv.conf, CA bundle, /w
mkroot() {
	mkdir -p "$1/etc/ssl/certs" "$1/w" "$1/tmp"
	cp "$SBIN/$2" "$1/"
	printf '127.0.0.1 localhost\n::1 localhost\n' >"$1/etc/hosts"
	printf 'nameserver 127.0.0.1\n' >"$1/etc/resolv.conf"
	cp "$ca" "$1/etc/ssl/certs/ca-certificates.crt"
}

for t in "${tools[@]}"; do
	check_sh "$t: built, and file says statically linked" "
		file -L '$SBIN/$t' | grep -q 'statically linked'
		! file -L '$SBIN/$t' | grep -q 'dynamically linked'"
	mkroot "$TMP/root-$t" "$t"
	check_sh "$t: runs in an empty chroot (--version, --help)" "
		[ \"\$(find '$TMP/root-$t' -type f | wc -l)\" -eq 4 ]
		chroot '$TMP/root-$t' /$t --version | grep -q '^$t (gsa) '
		chroot '$TMP/root-$t' /$t --help >/dev/null"
done

# --- S3 over HTTP by host name, from the empty chroot ----------------------
start_s3rver || skip "s3rver not available (make deps)"
ep=http://localhost:$S3_PORT
echo "static chroot payload $RANDOM" >"$TMP/root-s3-stage/w/payload.txt"
check "s3-stage (chroot): put and get through s3rver at localhost" \
	chroot "$TMP/root-s3-stage" /s3-stage put --no-progress --quiet --endpoint-url "$ep" /w/payload.txt s3://gsa-test/static/payload.txt
mkdir -p "$TMP/root-s3-stage/w/back"
check_sh "s3-stage (chroot): the object comes back intact" "
	chroot '$TMP/root-s3-stage' /s3-stage get --no-progress --quiet --endpoint-url '$ep' s3://gsa-test/static/payload.txt /w/back/
	cmp '$TMP/root-s3-stage/w/payload.txt' '$TMP/root-s3-stage/w/back/payload.txt'"
check_sh "job (chroot): stages in from and out to s3rver, runs a command" "
	chroot '$TMP/root-job' /job --endpoint-url '$ep' -w /w --no-cache -i s3://gsa-test/static/payload.txt \
		-o payload.txt -p s3://gsa-test/static/out/ -- /job --version
	chroot '$TMP/root-s3-stage' /s3-stage get --no-progress --quiet --endpoint-url '$ep' s3://gsa-test/static/out/payload.txt /w/out/
	cmp '$TMP/root-s3-stage/w/payload.txt' '$TMP/root-s3-stage/w/out/payload.txt'"

# --- TLS (OpenSSL) with the chroot's CA bundle ------------------------------
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tls.key" -out "$TMP/tls.crt" -days 2 \
		-subj /CN=localhost -addext subjectAltName=DNS:localhost >/dev/null 2>&1
	tport=$(free_port)
	python3 - "$tport" "$TMP/tls.crt" "$TMP/tls.key" >"$TMP/tls.log" 2>&1 <<'PY' &
# a one-object HTTPS origin for s3-stage get (HEAD + GET of /b/k); stops after 60 s
import hashlib, http.server, ssl, sys, time
body = b"hello over tls\n"
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def head(self):
        found = self.path.split("?")[0] == "/b/k"
        self.send_response(200 if found else 404)
        self.send_header("Content-Length", str(len(body) if found else 0))
        self.send_header("ETag", '"%s"' % hashlib.md5(body).hexdigest())
        self.end_headers()
        return found
    def do_HEAD(self): self.head()
    def do_GET(self):
        if self.head(): self.wfile.write(body)
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.timeout = 1
end = time.time() + 60
while time.time() < end:
    srv.handle_request()
PY
	_lib_pids+=($!)
	wait_port "$tport" 10
	check_sh "s3-stage (chroot): HTTPS refused when the server's CA is not in the bundle" "
		! timeout 30 chroot '$TMP/root-s3-stage' /s3-stage get --no-progress --endpoint-url https://localhost:$tport s3://b/k /w/tls/ 2>'$TMP/tls1.err'
		grep -qi certificate '$TMP/tls1.err'"
	cp "$TMP/tls.crt" "$TMP/root-s3-stage/etc/ssl/certs/ca-certificates.crt"
	check_sh "s3-stage (chroot): HTTPS download with the server's CA in the bundle" "
		timeout 30 chroot '$TMP/root-s3-stage' /s3-stage get --no-progress --quiet --endpoint-url https://localhost:$tport s3://b/k /w/tls/
		[ \"\$(cat '$TMP/root-s3-stage/w/tls/k')\" = 'hello over tls' ]"
fi

# --- reproducible: a second build elsewhere is byte-identical ---------------
if root=$("$GSA_ROOT/scripts/static/deps.sh" 2>"$TMP/deps.log"); then
	check_sh "reproducible: a second static build into another folder is byte-identical" "
		cd '$GSA_ROOT'
		SOURCE_DATE_EPOCH=\$(git log -1 --format=%ct) nice make --no-print-directory -s VARIANT=static \
			OUT='$TMP/repro' CC=musl-gcc STATIC_ROOT='$root' build >'$TMP/repro.log' 2>&1
		for t in ${tools[*]}; do cmp '$SBIN/'\$t '$TMP/repro/bin/'\$t; done"
else
	_lib_report 1 "static dependencies available (scripts/static/deps.sh)" "$TMP/deps.log"
fi

# --- SBOM ------------------------------------------------------------------
check "SBOM: CycloneDX JSON naming every library with version and licence" \
	python3 - "$GSA_ROOT/build/static/sbom.cdx.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["bomFormat"] == "CycloneDX", d["bomFormat"]
comps = {c["name"]: c for c in d["components"]}
want = ["zlib", "bzip2", "xz-utils", "libdeflate", "openssl", "curl", "htslib", "htscodecs", "musl"]
for n in want:
    c = comps[n]
    assert c["version"] and c["purl"].startswith("pkg:deb/debian/"), c
    lic = c["licenses"][0]
    assert lic.get("expression") or lic["license"].get("id") or lic["license"].get("name"), c
PY
finish
