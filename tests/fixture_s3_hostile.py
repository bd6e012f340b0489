#!/usr/bin/env python3
"""A hostile S3 endpoint on 127.0.0.1 for tests/integration/hostile_inputs.sh:
every GET answers a ListObjectsV2 page chosen by the first argument, HEAD
answers 404.  Writes its port to the file named by the second argument.
  outside   a key outside the requested prefix (shorter than it)
  cut       a <Contents> element that is never closed
  nosize    a key without a Size
  badsize   a Size that is not a number
Stops by itself after 120 s."""
import http.server, sys, threading

PAGES = {
    "outside": "<Contents><Key>x</Key><Size>1</Size></Contents>",
    "cut": "<Contents><Key>ref/a.fa</Key><Size>1</Size>",
    "nosize": "<Contents><Key>ref/a.fa</Key></Contents>",
    "badsize": "<Contents><Key>ref/a.fa</Key><Size>-5</Size></Contents>",
}
KIND = sys.argv[1]


class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Prefix>ref/</Prefix>'
                "<IsTruncated>false</IsTruncated>%s</ListBucketResult>" % PAGES[KIND]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[2], "w") as f:
    f.write(str(srv.server_address[1]))
threading.Timer(120, srv.shutdown).start()
srv.serve_forever()
