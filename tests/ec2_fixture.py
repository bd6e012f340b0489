#!/usr/bin/env python3
"""ec2_fixture.py — a loopback Amazon EC2 Query API endpoint for the
ebs-autoscale tests (standard library only; run as root: it drives losetup).

    ec2_fixture.py --port-file F --dir D [--region eu-west-3] [--az AZ]
        [--instance-id I] [--instance-tags k=v,k2=v2] [--key K --secret S]
        [--gib-mib 1024] [--create-delay 0.5] [--attach-delay 0.3]
        [--throttle-pct 0] [--seed 1] [--deny ec2:Action]...

Implements what the daemon calls: CreateVolume (TagSpecifications,
ClientToken idempotency, DryRun), DescribeVolumes (VolumeId.N, filters
volume-id, status, tag:KEY, attachment.instance-id), AttachVolume,
DetachVolume, DeleteVolume, ModifyInstanceAttribute (BlockDeviceMapping
DeleteOnTermination) and DescribeTags (resource-id).  Requests must carry a
valid SigV4 signature for --key/--secret (service ec2, the region).

Each volume is a sparse file D/vols/VOL of size GiB x --gib-mib MiB; when an
attachment completes the file gets a loop device, and the device shows the
way a Nitro instance shows it: D/sysblock/loopN/device/serial holds the
volume id without its dash, and D/by-id/nvme-Amazon_Elastic_Block_Store_vol...
links to /dev/loopN.  Detach removes both and the loop device.  Volume
states change after --create-delay / --attach-delay seconds, as on EC2.

Fault injection: --throttle-pct answers that share of requests with 503
RequestLimitExceeded (nothing done); --deny answers 403
UnauthorizedOperation.  Control (not EC2), JSON in and out:
    GET  /_books    every volume's state and attachment, call counts
    POST /_control  {"throttle_pct": N, "deny": [...],
                     "hang_before": "Action", "hang_after": "Action",
                     "release": true}
hang_before holds that request unanswered (not applied); hang_after applies
and answers it, then holds every later request; both until "release" (or
120 s, then 503).  /_books "hung" counts requests held right now.
The books are also written to D/books.json after every change.  SIGTERM:
loop devices detached, exit.
"""
import argparse
import hashlib
import hmac
import json
import os
import random
import signal
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.RLock()
RELEASE = threading.Condition(LOCK)
S = {
    "vols": {}, "tokens": {}, "calls": {}, "requests": 0, "throttled": 0, "denied": 0,
    "hung": 0, "hang_before": "", "hang_after": "", "holding": False, "gen": 0,
    "throttle_pct": 0, "deny": set(), "errors": [], "rng": None,
}
NS = "http://ec2.amazonaws.com/doc/2016-11-15/"


class ApiError(Exception):
    def __init__(self, status, code, msg):
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


def now():
    return time.monotonic()


def esc(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=30)


# ---- books ---------------------------------------------------------------

def public(v):
    a = v["att"]
    return {"id": v["id"], "state": v["state"], "size": v["size"], "az": v["az"],
            "type": v["type"], "encrypted": v["encrypted"], "iops": v["iops"],
            "throughput": v["throughput"], "tags": v["tags"], "loop": v["loop"],
            "attachment": None if not a else {"instance": a["instance"], "device": a["device"],
                                              "state": a["state"], "dot": a["dot"]}}


def books():
    with LOCK:
        return {"volumes": {k: public(v) for k, v in S["vols"].items()},
                "calls": dict(S["calls"]), "requests": S["requests"], "throttled": S["throttled"],
                "denied": S["denied"], "hung": S["hung"], "errors": list(S["errors"][-20:])}


def save_books():
    b = json.dumps(books(), indent=1, sort_keys=True)
    p = os.path.join(ARGS.dir, "books.json")
    with open(p + ".tmp", "w") as f:
        f.write(b)
    os.replace(p + ".tmp", p)


# ---- devices -------------------------------------------------------------

def serial(vid):
    return vid.replace("-", "")


def expose(v):
    r = run("losetup", "--find", "--show", v["file"])
    if r.returncode != 0:
        S["errors"].append("losetup %s: %s" % (v["file"], r.stderr.strip()))
        return
    loop = r.stdout.strip()
    name = os.path.basename(loop)
    v["loop"] = loop
    d = os.path.join(ARGS.dir, "sysblock", name, "device")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "serial"), "w") as f:
        f.write(serial(v["id"]) + "\n")
    link = os.path.join(ARGS.dir, "by-id", "nvme-Amazon_Elastic_Block_Store_" + serial(v["id"]))
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(loop, link)


def unexpose(v):
    if not v["loop"]:
        return
    name = os.path.basename(v["loop"])
    link = os.path.join(ARGS.dir, "by-id", "nvme-Amazon_Elastic_Block_Store_" + serial(v["id"]))
    if os.path.lexists(link):
        os.unlink(link)
    d = os.path.join(ARGS.dir, "sysblock", name)
    for p in (os.path.join(d, "device", "serial"), os.path.join(d, "device"), d):
        try:
            os.unlink(p) if p.endswith("serial") else os.rmdir(p)
        except OSError:
            pass
    r = run("losetup", "-d", v["loop"])
    if r.returncode != 0:
        S["errors"].append("losetup -d %s: %s" % (v["loop"], r.stderr.strip()))
    v["loop"] = ""


def tick():
    """Advance time-driven state changes."""
    changed = False
    with LOCK:
        t = now()
        for v in S["vols"].values():
            a = v["att"]
            if v["state"] == "creating" and t >= v["t"]:
                v["state"] = "available"
                changed = True
            elif a and a["state"] == "attaching" and t >= a["t"]:
                a["state"] = "attached"
                expose(v)
                changed = True
            elif a and a["state"] == "detaching" and t >= a["t"]:
                unexpose(v)
                v["att"] = None
                v["state"] = "available"
                changed = True
            elif v["state"] == "deleting" and t >= v["t"]:
                v["state"] = "deleted"
                try:
                    os.unlink(v["file"])
                except OSError:
                    pass
                changed = True
        if changed:
            save_books()


def ticker():
    while True:
        time.sleep(0.05)
        tick()


# ---- SigV4 check -----------------------------------------------------------

def check_sigv4(h, body):
    auth = h.get("Authorization") or ""
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        raise ApiError(401, "AuthFailure", "no SigV4 Authorization header")
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    cred = parts["Credential"].split("/")
    if cred[0] != ARGS.key or cred[2] != ARGS.region or cred[3] != "ec2" or cred[4] != "aws4_request":
        raise ApiError(401, "AuthFailure", "bad credential scope %s" % parts["Credential"])
    signed = parts["SignedHeaders"].split(";")
    canon_h = "".join("%s:%s\n" % (n, " ".join((h.get(n) or "").split())) for n in signed)
    creq = "\n".join(["POST", "/", "", canon_h, parts["SignedHeaders"], hashlib.sha256(body).hexdigest()])
    date = h.get("x-amz-date") or ""
    scope = "/".join(cred[1:])
    sts = "\n".join(["AWS4-HMAC-SHA256", date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    k = ("AWS4" + ARGS.secret).encode()
    for m in (cred[1], cred[2], cred[3], cred[4]):
        k = hmac.new(k, m.encode(), hashlib.sha256).digest()
    want = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, parts.get("Signature", "")):
        raise ApiError(401, "AuthFailure", "signature mismatch")
    if "host" not in signed or "x-amz-date" not in signed:
        raise ApiError(401, "AuthFailure", "host and x-amz-date must be signed")


# ---- actions -----------------------------------------------------------------

def need(q, k):
    if k not in q:
        raise ApiError(400, "MissingParameter", "The request must contain the parameter %s" % k)
    return q[k]


def get_vol(vid):
    v = S["vols"].get(vid)
    if not v or v["state"] == "deleted":
        raise ApiError(400, "InvalidVolume.NotFound", "The volume '%s' does not exist." % vid)
    return v


def vol_xml(v):
    a = v["att"]
    att = ""
    if a:
        att = ("<item><volumeId>%s</volumeId><instanceId>%s</instanceId><device>%s</device>"
               "<status>%s</status><attachTime>2026-01-01T00:00:00.000Z</attachTime>"
               "<deleteOnTermination>%s</deleteOnTermination></item>"
               % (v["id"], a["instance"], esc(a["device"]), a["state"], "true" if a["dot"] else "false"))
    tags = "".join("<item><key>%s</key><value>%s</value></item>" % (esc(k), esc(x)) for k, x in v["tags"].items())
    state = v["state"] if not a else "in-use"
    return ("<item><volumeId>%s</volumeId><size>%d</size><snapshotId/><availabilityZone>%s</availabilityZone>"
            "<status>%s</status><createTime>2026-01-01T00:00:00.000Z</createTime>"
            "<attachmentSet>%s</attachmentSet><tagSet>%s</tagSet><volumeType>%s</volumeType>"
            "<encrypted>%s</encrypted><multiAttachEnabled>false</multiAttachEnabled></item>"
            % (v["id"], v["size"], v["az"], state, att, tags, v["type"], "true" if v["encrypted"] else "false"))


def filters(q):
    out = []
    i = 1
    while "Filter.%d.Name" % i in q:
        vals = []
        j = 1
        while "Filter.%d.Value.%d" % (i, j) in q:
            vals.append(q["Filter.%d.Value.%d" % (i, j)])
            j += 1
        out.append((q["Filter.%d.Name" % i], vals))
        i += 1
    return out


def numbered(q, prefix):
    out, i = [], 1
    while "%s.%d" % (prefix, i) in q:
        out.append(q["%s.%d" % (prefix, i)])
        i += 1
    return out


def a_create(q):
    az = need(q, "AvailabilityZone")
    if az != ARGS.az:
        raise ApiError(400, "InvalidParameterValue", "Invalid availability zone: [%s]" % az)
    size = need(q, "Size")
    if not size.isdigit() or not 1 <= int(size) <= 16384:
        raise ApiError(400, "InvalidParameterValue", "bad Size %s" % size)
    vtype = q.get("VolumeType", "gp2")
    if vtype not in ("gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"):
        raise ApiError(400, "InvalidParameterValue", "bad VolumeType %s" % vtype)
    tags = {}
    i = 1
    while "TagSpecification.%d.ResourceType" % i in q:
        if q["TagSpecification.%d.ResourceType" % i] != "volume":
            raise ApiError(400, "InvalidParameterValue", "tags for a resource that is not created")
        j = 1
        while "TagSpecification.%d.Tag.%d.Key" % (i, j) in q:
            k = q["TagSpecification.%d.Tag.%d.Key" % (i, j)]
            if k.startswith("aws:"):
                raise ApiError(400, "InvalidParameterValue", "Tag keys starting with 'aws:' are reserved")
            tags[k] = q.get("TagSpecification.%d.Tag.%d.Value" % (i, j), "")
            j += 1
        i += 1
    if q.get("DryRun") == "true":
        raise ApiError(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
    tok = q.get("ClientToken")
    if tok and tok in S["tokens"]:
        v = S["vols"][S["tokens"][tok]]
    else:
        vid = "vol-%017x" % S["rng"].getrandbits(68)
        f = os.path.join(ARGS.dir, "vols", vid)
        with open(f, "wb") as fh:
            fh.truncate(int(size) * ARGS.gib_mib * 1024 * 1024)
        v = {"id": vid, "state": "creating", "size": int(size), "az": az, "type": vtype,
             "encrypted": q.get("Encrypted") == "true", "kms": q.get("KmsKeyId", ""),
             "iops": int(q.get("Iops", "0")), "throughput": int(q.get("Throughput", "0")),
             "tags": tags, "att": None, "file": f, "loop": "", "t": now() + ARGS.create_delay}
        S["vols"][vid] = v
        if tok:
            S["tokens"][tok] = vid
    return ("<volumeId>%s</volumeId><size>%d</size><availabilityZone>%s</availabilityZone>"
            "<status>%s</status><volumeType>%s</volumeType><encrypted>%s</encrypted>"
            % (v["id"], v["size"], v["az"], v["state"], v["type"], "true" if v["encrypted"] else "false"))


def a_describe(q):
    ids = numbered(q, "VolumeId")
    for vid in ids:
        get_vol(vid)
    vols = [v for v in S["vols"].values() if v["state"] != "deleted" and (not ids or v["id"] in ids)]
    for name, vals in filters(q):
        if name == "volume-id":
            vols = [v for v in vols if v["id"] in vals]
        elif name == "status":
            vols = [v for v in vols if (v["state"] if not v["att"] else "in-use") in vals]
        elif name.startswith("tag:"):
            vols = [v for v in vols if v["tags"].get(name[4:]) in vals]
        elif name == "attachment.instance-id":
            vols = [v for v in vols if v["att"] and v["att"]["instance"] in vals]
        else:
            raise ApiError(400, "InvalidParameterValue", "The filter '%s' is invalid" % name)
    return "<volumeSet>%s</volumeSet>" % "".join(vol_xml(v) for v in vols)


def a_attach(q):
    v = get_vol(need(q, "VolumeId"))
    inst = need(q, "InstanceId")
    dev = need(q, "Device")
    if inst != ARGS.instance_id:
        raise ApiError(400, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist" % inst)
    if v["state"] != "available" or v["att"]:
        raise ApiError(400, "IncorrectState", "vol '%s' is not 'available'." % v["id"])
    for o in S["vols"].values():
        if o["att"] and o["att"]["device"] == dev:
            raise ApiError(400, "InvalidParameterValue", "Attachment point %s is already in use" % dev)
    v["att"] = {"instance": inst, "device": dev, "state": "attaching", "dot": False, "t": now() + ARGS.attach_delay}
    v["state"] = "in-use"
    return "<volumeId>%s</volumeId><instanceId>%s</instanceId><device>%s</device><status>attaching</status>" % (
        v["id"], inst, esc(dev))


def a_detach(q):
    v = get_vol(need(q, "VolumeId"))
    a = v["att"]
    if not a or a["state"] == "detaching":
        raise ApiError(400, "IncorrectState", "Volume '%s' is in the 'available' state." % v["id"])
    if "InstanceId" in q and q["InstanceId"] != a["instance"]:
        raise ApiError(400, "InvalidAttachment.NotFound", "not attached to %s" % q["InstanceId"])
    a["state"] = "detaching"
    a["t"] = now() + ARGS.attach_delay
    return "<volumeId>%s</volumeId><status>detaching</status>" % v["id"]


def a_delete(q):
    v = get_vol(need(q, "VolumeId"))
    if v["att"]:
        raise ApiError(400, "VolumeInUse", "Volume %s is currently attached to %s" % (v["id"], v["att"]["instance"]))
    if v["state"] not in ("available", "error"):
        raise ApiError(400, "IncorrectState", "The volume '%s' is '%s'" % (v["id"], v["state"]))
    v["state"] = "deleting"
    v["t"] = now() + 0.2
    return "<return>true</return>"


def a_modify(q):
    inst = need(q, "InstanceId")
    if inst != ARGS.instance_id:
        raise ApiError(400, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist" % inst)
    dev = need(q, "BlockDeviceMapping.1.DeviceName")
    dot = need(q, "BlockDeviceMapping.1.Ebs.DeleteOnTermination")
    for v in S["vols"].values():
        a = v["att"]
        if a and a["instance"] == inst and a["device"] == dev and a["state"] in ("attaching", "attached"):
            a["dot"] = dot == "true"
            return "<return>true</return>"
    raise ApiError(400, "InvalidInstanceAttributeValue", "No device is currently mapped at %s" % dev)


def a_tags(q):
    items = []
    for name, vals in filters(q):
        if name == "resource-id" and ARGS.instance_id in vals:
            for k, x in ARGS.tags.items():
                items.append("<item><resourceId>%s</resourceId><resourceType>instance</resourceType>"
                             "<key>%s</key><value>%s</value></item>" % (ARGS.instance_id, esc(k), esc(x)))
    return "<tagSet>%s</tagSet>" % "".join(items)


ACTIONS = {"CreateVolume": a_create, "DescribeVolumes": a_describe, "AttachVolume": a_attach,
           "DetachVolume": a_detach, "DeleteVolume": a_delete, "ModifyInstanceAttribute": a_modify,
           "DescribeTags": a_tags}


def hold(gen):
    """Wait (lock held by the caller's with-block) until released; bounded."""
    S["hung"] += 1
    save_books()
    end = now() + 120
    while S["holding"] and S["gen"] == gen and now() < end:
        RELEASE.wait(0.2)
    S["hung"] -= 1
    save_books()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, body, ctype="text/xml;charset=UTF-8"):
        b = body.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(b)))
            self.end_headers()
            self.wfile.write(b)
        except OSError:
            pass  # the client went away (killed while held)

    def do_GET(self):
        if self.path == "/_books":
            return self.reply(200, json.dumps(books(), indent=1, sort_keys=True), "application/json")
        self.reply(404, "")

    def control(self, body):
        c = json.loads(body or b"{}")
        with LOCK:
            if "throttle_pct" in c:
                S["throttle_pct"] = int(c["throttle_pct"])
            if "deny" in c:
                S["deny"] = set(c["deny"])
            for k in ("hang_before", "hang_after"):
                if k in c:
                    S[k] = c[k]
            if c.get("release"):
                S["holding"] = False
                S["hang_before"] = S["hang_after"] = ""
                S["gen"] += 1
                RELEASE.notify_all()
        self.reply(200, json.dumps(books()), "application/json")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path == "/_control":
            return self.control(body)
        rid = "req-%d" % S["requests"]
        try:
            q = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
            action = q.get("Action", "")
            with LOCK:
                S["requests"] += 1
                S["calls"][action] = S["calls"].get(action, 0) + 1
                gen = S["gen"]
                if S["holding"] or S["hang_before"] == action:
                    S["holding"] = True
                    hold(gen)
                    raise ApiError(503, "ServiceUnavailable", "held by the test")
            check_sigv4(self.headers, body)
            if q.get("Version") != "2016-11-15":
                raise ApiError(400, "InvalidParameterValue", "bad Version %s" % q.get("Version"))
            if action not in ACTIONS:
                raise ApiError(400, "InvalidAction", "The action %s is not valid for this web service." % action)
            with LOCK:
                if "ec2:" + action in S["deny"]:
                    S["denied"] += 1
                    raise ApiError(403, "UnauthorizedOperation",
                                   "You are not authorized to perform this operation (ec2:%s)." % action)
                if S["throttle_pct"] and S["rng"].random() * 100 < S["throttle_pct"]:
                    S["throttled"] += 1
                    raise ApiError(503, "RequestLimitExceeded", "Request limit exceeded.")
            tick()
            with LOCK:
                inner = ACTIONS[action](q)
                save_books()
                if S["hang_after"] == action:
                    S["holding"] = True
            xml = '<?xml version="1.0" encoding="UTF-8"?>\n<%sResponse xmlns="%s"><requestId>%s</requestId>%s</%sResponse>' % (
                action, NS, rid, inner, action)
            self.reply(200, xml)
        except ApiError as e:
            self.reply(e.status, '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code>'
                       '<Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>'
                       % (e.code, esc(e.msg), rid))
        except Exception as e:  # a fixture bug: visible in the books and as 500
            with LOCK:
                S["errors"].append("%s: %r" % (type(e).__name__, e))
            self.reply(500, "<Response><Errors><Error><Code>InternalError</Code><Message>%s</Message></Error>"
                       "</Errors></Response>" % esc(repr(e)))


def shutdown(*a):
    with LOCK:
        for v in S["vols"].values():
            unexpose(v)
        save_books()
    os._exit(0)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--region", default="eu-west-3")
    ap.add_argument("--az", default="")
    ap.add_argument("--instance-id", default="i-0123456789abcdef0")
    ap.add_argument("--instance-tags", default="Name=gsa-worker,project=gsa,aws:autoscaling:groupName=gsa-asg")
    ap.add_argument("--key", default="AKIDEXAMPLE")
    ap.add_argument("--secret", default="ec2-fixture-secret")
    ap.add_argument("--gib-mib", type=int, default=1024)
    ap.add_argument("--create-delay", type=float, default=0.5)
    ap.add_argument("--attach-delay", type=float, default=0.3)
    ap.add_argument("--throttle-pct", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--deny", action="append", default=[])
    ARGS = ap.parse_args()
    ARGS.az = ARGS.az or ARGS.region + "a"
    ARGS.tags = dict(t.split("=", 1) for t in ARGS.instance_tags.split(",") if t)
    S["rng"] = random.Random(ARGS.seed)
    S["throttle_pct"] = ARGS.throttle_pct
    S["deny"] = set(ARGS.deny)
    for d in ("vols", "sysblock", "by-id"):
        os.makedirs(os.path.join(ARGS.dir, d), exist_ok=True)
    save_books()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    threading.Thread(target=ticker, daemon=True).start()
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
