#!/usr/bin/env python3
"""aws_metadata_fixture.py — loopback stand-ins for the EC2 instance metadata
service (IMDSv2) and the ECS/Batch container credentials endpoint, for the
s3-stage credential tests.

    aws_metadata_fixture.py --port-file F --log FILE [--expires-in SECONDS]
        [--container-token TOKEN] [--key S3RVER] [--secret S3RVER]
        [--region eu-west-3] [--role gsa-role] [--instance-id I] [--az AZ]

IMDSv2: PUT /latest/api/token needs X-aws-ec2-metadata-token-ttl-seconds
and returns a new token valid for that many seconds; every GET under
/latest/ needs a live token in X-aws-ec2-metadata-token (else 401).  Also
serves instance-id and placement/availability-zone (for ebs-autoscale).  Role credentials carry a new Token
("session-N") and an Expiration --expires-in seconds from now.
Container: GET /container-creds needs Authorization == --container-token.
Each request is logged as "METHOD PATH STATUS" (token PUTs add " ttl=N").  Stops on SIGTERM.
"""
import argparse
import json
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()
STATE = {"n": 0, "tokens": {}, "ntok": 0}


def creds():
    with LOCK:
        STATE["n"] += 1
        n = STATE["n"]
    exp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + ARGS.expires_in))
    return json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": ARGS.key,
                       "SecretAccessKey": ARGS.secret, "Token": "session-%d" % n,
                       "Expiration": exp}).encode()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body=b"", note=""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with LOCK, open(ARGS.log, "a") as f:
            f.write("%s %s %d%s\n" % (self.command, self.path, status, note))

    def do_PUT(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds") or ""
        if self.path == "/latest/api/token" and ttl.isdigit() and 1 <= int(ttl) <= 21600:
            with LOCK:
                STATE["ntok"] += 1
                tok = "imds-token-%d-%d" % (os.getpid(), STATE["ntok"])
                STATE["tokens"][tok] = time.monotonic() + int(ttl)
            return self.send(200, tok.encode(), " ttl=%s" % ttl)
        self.send(400)

    def do_GET(self):
        p = self.path
        if p == "/container-creds":
            if self.headers.get("Authorization") != ARGS.container_token:
                return self.send(401, b'{"Code":"Unauthorized"}')
            return self.send(200, creds())
        if not p.startswith("/latest/"):
            return self.send(404)
        with LOCK:
            exp = STATE["tokens"].get(self.headers.get("X-aws-ec2-metadata-token") or "")
        if exp is None or time.monotonic() >= exp:
            return self.send(401)
        base = "/latest/meta-data/iam/security-credentials/"
        if p == base:
            return self.send(200, ARGS.role.encode())
        if p == base + ARGS.role:
            return self.send(200, creds())
        if p == "/latest/meta-data/placement/region":
            return self.send(200, ARGS.region.encode())
        if p == "/latest/meta-data/placement/availability-zone":
            return self.send(200, (ARGS.az or ARGS.region + "a").encode())
        if p == "/latest/meta-data/instance-id":
            return self.send(200, ARGS.instance_id.encode())
        self.send(404)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--expires-in", type=int, default=3600)
    ap.add_argument("--container-token", default="Bearer gsa-test")
    ap.add_argument("--key", default="S3RVER")
    ap.add_argument("--secret", default="S3RVER")
    ap.add_argument("--region", default="eu-west-3")
    ap.add_argument("--role", default="gsa-role")
    ap.add_argument("--instance-id", default="i-0123456789abcdef0")
    ap.add_argument("--az", default="")
    ARGS = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
