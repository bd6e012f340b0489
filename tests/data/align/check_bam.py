#!/usr/bin/env python3
"""Check align's output for the reads of gen_reads.py against their truth.

    check_bam.py truth.tsv SAM   (SAM text, e.g. from `samtools view`)

Prints one line per failed expectation and exits 1 if any failed.
"""
import re
import sys


def unclipped_start(pos, cigar):
    m = re.match(r"^(\d+)[SH]", cigar)
    return pos - (int(m.group(1)) if m else 0)


def main():
    truth = {}
    for line in open(sys.argv[1]):
        name, mate, contig, pos, strand, cls, edit = (line.rstrip("\n").split("\t") + [""])[:7]
        truth[(name, int(mate))] = (contig, int(pos), strand, cls, edit)
    prim, supp = {}, {}
    for line in open(sys.argv[2]):
        f = line.rstrip("\n").split("\t")
        flag = int(f[1])
        mate = 1 if flag & 0x40 else 2
        tags = {t[:2]: t[5:] for t in f[11:]}
        rec = dict(flag=flag, rname=f[2], pos=int(f[3]), mapq=int(f[4]), cigar=f[5], tags=tags)
        if flag & 0x800:
            supp[(f[0], mate)] = rec
        elif not flag & 0x100:
            prim[(f[0], mate)] = rec
    bad = []
    bg_total = bg_ok = 0
    for key, (contig, pos, strand, cls, edit) in sorted(truth.items()):
        r = prim.get(key)
        if r is None:
            bad.append(f"{key}: no primary record")
            continue
        placed = (not r["flag"] & 4 and r["rname"] == contig
                  and abs(unclipped_start(r["pos"], r["cigar"]) - pos) <= 5
                  and (r["flag"] & 0x10 != 0) == (strand == "-"))
        if cls == "bg":
            bg_total += 1
            bg_ok += placed
            continue
        if cls == "repeat":
            if r["flag"] & 4 or r["mapq"] > 3:
                bad.append(f"{key}: repeat read should be mapped with MAPQ 0-3, got flag {r['flag']} MAPQ {r['mapq']}")
            continue
        if cls == "chim" and key[1] == 1:
            s = supp.get(key)
            if not placed and s is None:
                bad.append(f"{key}: chimeric read not placed")
            if s is None or "SA" not in r["tags"] or "SA" not in s["tags"]:
                bad.append(f"{key}: chimeric read lacks a supplementary record with SA tags")
            elif not (s["rname"] == "chrC" and abs(s["pos"] - 20001) <= 5):
                bad.append(f"{key}: supplementary at {s['rname']}:{s['pos']}, expected chrC:20001")
            continue
        if not placed:
            bad.append(f"{key} ({cls}): expected {contig}:{pos}{strand}, got flag {r['flag']} "
                       f"{r['rname']}:{r['pos']} {r['cigar']}")
            continue
        if r["mapq"] < 20:
            bad.append(f"{key} ({cls}): unique placement with MAPQ {r['mapq']}")
        if edit.startswith("NM") and r["tags"].get("NM") != edit[2:]:
            bad.append(f"{key} ({cls}): NM {r['tags'].get('NM')}, expected {edit[2:]}")
        if edit[:1] in ("D", "I") and f"{edit[1:]}{edit[0]}" not in r["cigar"]:
            bad.append(f"{key} ({cls}): CIGAR {r['cigar']} lacks {edit[1:]}{edit[0]}")
        if edit == "clip" and not r["cigar"].endswith("30S"):
            bad.append(f"{key} (edge): CIGAR {r['cigar']} should clip the part past the contig end")
        if cls == "rescue" and not r["flag"] & 2:
            bad.append(f"{key} (rescue): not flagged as a proper pair")
        if not r["flag"] & 2 and cls not in ("edge",):
            bad.append(f"{key} ({cls}): not a proper pair (flag {r['flag']})")
    if bg_total and bg_ok < 0.99 * bg_total:
        bad.append(f"background: only {bg_ok}/{bg_total} reads placed correctly")
    for b in bad:
        print(b)
    print(f"checked {len(truth)} reads, background {bg_ok}/{bg_total} correct, {len(bad)} problems")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
