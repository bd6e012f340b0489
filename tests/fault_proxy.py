#!/usr/bin/env python3
"""fault_proxy.py — a fault-injecting HTTP proxy for the s3-stage tests.

Sits between a client and an S3 server on 127.0.0.1 and, per request,
forwards it or injects a fault: 500 InternalError, 503 SlowDown, a dropped
connection before any reply, a reply cut off in the middle of the body, or a
stall (no bytes for --stall seconds, then a close).  Faults are drawn with a
seeded random generator, so a run is reproducible.

It can also check SigV4 signatures with a known secret (s3rver 3.7.1 does
not: its v4 check is unimplemented), kill the server process after some
bytes (a server dying mid-transfer), refuse uploads after some bytes, and
implement AbortMultipartUpload on s3rver's store (s3rver lacks it).

    fault_proxy.py --upstream 127.0.0.1:PORT --port-file F [--fail-rate 0.2]
        [--seed 1] [--stall SECONDS] [--verify-secret S] [--log FILE]
        [--kill-pid PID --kill-after-bytes N] [--fail-puts-after-bytes N]
        [--s3rver-dir DIR] [--stall-after-bytes N --stall SECONDS]
        [--stall-puts-after-bytes N --stall SECONDS]

Python standard library only.  Stops on SIGTERM.
"""
import argparse
import hashlib
import hmac
import http.client
import os
import random
import re
import shutil
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote

ARGS = None
LOCK = threading.Lock()
RNG = random.Random(1)
STATE = {"resp_bytes": 0, "req_bytes": 0, "killed": False}


def log(line):
    if ARGS.log:
        with LOCK, open(ARGS.log, "a") as f:
            f.write(line + "\n")


def error_xml(code, msg):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
            '<RequestId>fault-proxy</RequestId></Error>' % (code, msg)).encode()


def sigv4_ok(handler, body):
    """Recompute the SigV4 signature of the request with ARGS.verify_secret."""
    auth = handler.headers.get("Authorization", "")
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*"
                 r"SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$", auth)
    if not m:
        return False, "no SigV4 Authorization header"
    _, date, region, service, signed, sig = m.groups()
    path, _, query = handler.path.partition("?")
    pairs = []
    for part in query.split("&") if query else []:
        k, _, v = part.partition("=")
        pairs.append((quote(unquote(k), safe="-_.~"), quote(unquote(v), safe="-_.~")))
    pairs.sort()
    cq = "&".join("%s=%s" % kv for kv in pairs)
    names = signed.split(";")
    ch = ""
    for n in names:
        vals = handler.headers.get_all(n) or []
        ch += "%s:%s\n" % (n, ",".join(" ".join(v.split()) for v in vals))
    payload = handler.headers.get("x-amz-content-sha256", "")
    if payload != "UNSIGNED-PAYLOAD" and payload != hashlib.sha256(body).hexdigest():
        return False, "payload hash does not match the body"
    canon = "\n".join([handler.command, quote(unquote(path), safe="/-_.~"), cq, ch, signed, payload])
    amz_date = handler.headers.get("x-amz-date", "")
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, "%s/%s/%s/aws4_request" % (date, region, service),
                     hashlib.sha256(canon.encode()).hexdigest()])
    k = ("AWS4" + ARGS.verify_secret).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    want = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, sig), "signature mismatch"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def region(self):
        m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", self.headers.get("Authorization", ""))
        return m.group(1) if m else "-"

    def reply(self, status, body, fault):
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        log("%s %s %d %s %s" % (self.command, self.path, status, fault, self.region()))

    def drop(self, fault):
        log("%s %s 0 %s %s" % (self.command, self.path, fault, self.region()))
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        with LOCK:
            STATE["req_bytes"] += len(body)
            upload_dead = (ARGS.fail_puts_after_bytes is not None and self.command in ("PUT", "POST")
                           and STATE["req_bytes"] > ARGS.fail_puts_after_bytes)
            roll = RNG.random()
            kind = RNG.choice(ARGS.faults)
        if ARGS.verify_secret:
            ok, why = sigv4_ok(self, body)
            if not ok:
                return self.reply(403, error_xml("SignatureDoesNotMatch", why), "badsig")
        if upload_dead:
            return self.drop("dead")
        if (ARGS.stall_puts_after_bytes is not None and self.command == "PUT"
                and STATE["req_bytes"] > ARGS.stall_puts_after_bytes):
            log("%s %s 0 stall-put %s" % (self.command, self.path, self.region()))
            time.sleep(ARGS.stall)
            return self.drop("stall")
        if "uploadId=" in self.path and self.command == "DELETE" and ARGS.s3rver_dir:
            return self.abort_upload()
        if roll < ARGS.fail_rate:
            if kind == "500":
                return self.reply(500, error_xml("InternalError", "injected"), "500")
            if kind == "503":
                return self.reply(503, error_xml("SlowDown", "injected"), "503")
            if kind == "drop":
                return self.drop("drop")
            if kind == "stall" and ARGS.stall > 0:
                time.sleep(ARGS.stall)
                return self.drop("stall")
        self.forward(body, cut=roll < ARGS.fail_rate and kind == "cut")

    def abort_upload(self):
        uid = unquote(re.search(r"uploadId=([^&]*)", self.path).group(1))
        found = False
        for root, dirs, _ in os.walk(ARGS.s3rver_dir):
            if uid in dirs:
                shutil.rmtree(os.path.join(root, uid), ignore_errors=True)
                found = True
        self.send_response(204 if found else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()
        log("%s %s %d abort %s" % (self.command, self.path, 204 if found else 404, self.region()))

    def forward(self, body, cut):
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        # a fresh upstream connection per request: replaying a request on a
        # kept-alive connection the server closed meanwhile could make
        # s3rver (which does not check Content-Length) store a truncated copy
        c = None
        try:
            host, port = ARGS.upstream.rsplit(":", 1)
            c = http.client.HTTPConnection(host, int(port), timeout=60)
            c.request(self.command, self.path,
                      body=body if body or self.command in ("PUT", "POST") else None, headers=hdrs)
            r = c.getresponse()
        except (OSError, http.client.HTTPException):
            if c:
                c.close()
            return self.drop("upstream-down")
        length = r.getheader("Content-Length")
        data = None
        if length is None and self.command != "HEAD":
            data = r.read()
            length = str(len(data))
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", length or "0")
        self.end_headers()
        total = int(length or 0) if self.command != "HEAD" else 0
        limit = total // 2 if cut and total > 1 else total
        sent = 0
        try:
            while sent < limit:
                chunk = data[sent:limit] if data is not None else r.read(min(262144, limit - sent))
                if not chunk:
                    break
                self.wfile.write(chunk)
                sent += len(chunk)
                self.count(len(chunk))
                if ARGS.stall_after_bytes is not None and STATE["resp_bytes"] > ARGS.stall_after_bytes:
                    log("%s %s %d stall-after %s" % (self.command, self.path, r.status, self.region()))
                    time.sleep(ARGS.stall)
                    c.close()
                    return self.drop("stall")
            if sent < total:
                c.close()
                return self.drop("cut")
        except OSError:
            c.close()
            self.close_connection = True
            return
        c.close()
        log("%s %s %d ok %s" % (self.command, self.path, r.status, self.region()))

    def count(self, n):
        with LOCK:
            STATE["resp_bytes"] += n
            kill = (ARGS.kill_pid and not STATE["killed"] and ARGS.kill_after_bytes is not None
                    and STATE["resp_bytes"] > ARGS.kill_after_bytes)
            if kill:
                STATE["killed"] = True
        if kill:
            os.kill(ARGS.kill_pid, signal.SIGKILL)
            log("KILL server pid %d" % ARGS.kill_pid)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def main():
    global ARGS, RNG
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--upstream", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--fail-rate", type=float, default=0.0)
    p.add_argument("--faults", default="500,503,drop,cut")
    p.add_argument("--stall", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--verify-secret")
    p.add_argument("--log")
    p.add_argument("--kill-pid", type=int)
    p.add_argument("--kill-after-bytes", type=int)
    p.add_argument("--fail-puts-after-bytes", type=int)
    p.add_argument("--s3rver-dir")
    p.add_argument("--stall-puts-after-bytes", type=int,
                   help="once this many request body bytes arrived, every PUT stalls for --stall seconds")
    p.add_argument("--stall-after-bytes", type=int,
                   help="after this many response bytes, every response stalls for --stall seconds")
    ARGS = p.parse_args()
    ARGS.faults = ARGS.faults.split(",")
    RNG = random.Random(ARGS.seed)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *a: (srv.server_close(), os._exit(0)))
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
