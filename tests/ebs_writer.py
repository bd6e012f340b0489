#!/usr/bin/env python3
"""ebs_writer.py — a steady writer for the ebs-autoscale tests: writes
files of --file-mib MiB into --dir at --rate MB/s until --total MB, and
reports (JSON on stdout) what it wrote, how fast, and every ENOSPC.

    ebs_writer.py --dir D --total MB [--rate MB/s (0: as fast as it can)]
        [--file-mib 16] [--stop-on-enospc]

Each file is written in 1 MiB blocks, fsynced and closed, so the
filesystem's statvfs follows the writer closely.  Exit 0 when every byte
was written, 1 when any write failed with ENOSPC (or another error).
"""
import argparse
import errno
import json
import os
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--total", type=float, required=True, help="MB (10^6 bytes)")
    ap.add_argument("--rate", type=float, default=0, help="MB/s, 0 = unlimited")
    ap.add_argument("--file-mib", type=int, default=16)
    ap.add_argument("--prefix", default="w")
    ap.add_argument("--stop-on-enospc", action="store_true")
    a = ap.parse_args()
    block = os.urandom(1 << 20)
    total = int(a.total * 1e6)
    done, enospc, errors, nfile = 0, [], [], 0
    t0 = time.monotonic()
    while done < total:
        path = os.path.join(a.dir, "%s%05d" % (a.prefix, nfile))
        nfile += 1
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        except OSError as e:
            (enospc if e.errno == errno.ENOSPC else errors).append([round(time.monotonic() - t0, 2), "open", str(e)])
            if a.stop_on_enospc or e.errno != errno.ENOSPC:
                break
            time.sleep(0.1)
            continue
        try:
            for _ in range(a.file_mib):
                if done >= total:
                    break
                n = min(len(block), total - done)
                os.write(fd, block[:n])
                done += n
                if a.rate > 0:
                    ahead = done / (a.rate * 1e6) - (time.monotonic() - t0)
                    if ahead > 0:
                        time.sleep(ahead)
            os.fsync(fd)
        except OSError as e:
            (enospc if e.errno == errno.ENOSPC else errors).append([round(time.monotonic() - t0, 2), "write", str(e)])
            if a.stop_on_enospc or e.errno != errno.ENOSPC:
                os.close(fd)
                break
        os.close(fd)
    secs = time.monotonic() - t0
    print(json.dumps({"bytes": done, "seconds": round(secs, 2), "mb_per_s": round(done / 1e6 / secs, 2) if secs else 0,
                      "files": nfile, "enospc": enospc, "errors": errors}))
    return 0 if not enospc and not errors and done >= total else 1


if __name__ == "__main__":
    raise SystemExit(main())
