#!/usr/bin/env python3
"""aws_metadata_fixture.py — loopback stand-ins for the EC2 instance metadata
service (IMDSv2) and the ECS/Batch container credentials endpoint, for the
s3-stage credential tests.

    aws_metadata_fixture.py --port-file F --log FILE [--expires-in SECONDS]
        [--container-token TOKEN] [--key S3RVER] [--secret S3RVER]
        [--region eu-west-3] [--role gsa-role]

IMDSv2: PUT /latest/api/token needs X-aws-ec2-metadata-token-ttl-seconds
and returns a token; every GET under /latest/ needs that token in
X-aws-ec2-metadata-token (else 401).  Role credentials carry a new Token
("session-N") and an Expiration --expires-in seconds from now.
Container: GET /container-creds needs Authorization == --container-token.
Each request is logged as "METHOD PATH STATUS".  Stops on SIGTERM.
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
STATE = {"n": 0, "token": "imds-token-%d" % os.getpid()}


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

    def send(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with LOCK, open(ARGS.log, "a") as f:
            f.write("%s %s %d\n" % (self.command, self.path, status))

    def do_PUT(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.send(200, STATE["token"].encode())
        self.send(400)

    def do_GET(self):
        p = self.path
        if p == "/container-creds":
            if self.headers.get("Authorization") != ARGS.container_token:
                return self.send(401, b'{"Code":"Unauthorized"}')
            return self.send(200, creds())
        if not p.startswith("/latest/"):
            return self.send(404)
        if self.headers.get("X-aws-ec2-metadata-token") != STATE["token"]:
            return self.send(401)
        base = "/latest/meta-data/iam/security-credentials/"
        if p == base:
            return self.send(200, ARGS.role.encode())
        if p == base + ARGS.role:
            return self.send(200, creds())
        if p == "/latest/meta-data/placement/region":
            return self.send(200, ARGS.region.encode())
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
