#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Guest instructions per edge and per function, from scripts/bench.sh --insns.

usage: insns.py RAW CONSOLE IRQBENCH BURST

RAW is the QEMU plugin's output (tests/bench/insncount.c): "snap N" blocks of
"VADDR INSNS EXECS_VCPU0 EXECS_VCPU1"; snapshot N is written at the guest's N-th marker, whose
"# insns mark: begin|end CONTENDER" line is in CONSOLE, so the snapshot taken
at "end C" right after "begin C" covers one burst of C.  Kernel and module
addresses are named from the "# ksym" lines (/proc/kallsyms) the guest
printed at the end, user addresses from IRQBENCH's symbols.
"""
import bisect
import collections
import subprocess
import sys


def load_symbols(console, irqbench):
    syms = []
    with open(console, errors="replace") as f:
        for line in f:
            if line.startswith("# ksym "):
                parts = line.split()
                if len(parts) >= 5 and parts[3] in "TtWw":
                    syms.append((int(parts[2], 16), parts[4] + " " + parts[5]
                                 if len(parts) > 5 else parts[4]))
    nm = subprocess.run(["nm", "-n", irqbench], capture_output=True, text=True).stdout
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWw":
            syms.append((int(parts[0], 16), "irqbench:" + parts[2]))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def main():
    raw, console, irqbench, burst = sys.argv[1:5]
    burst = int(burst)
    addrs, names = load_symbols(console, irqbench)
    kernel_lo = 0xffff800000000000

    def name(vaddr):
        i = bisect.bisect_right(addrs, vaddr) - 1
        if vaddr >= kernel_lo:
            if i < 0 or names[i].startswith("irqbench:"):
                return "[kernel, unnamed]"
            return names[i]
        if i >= 0 and names[i].startswith("irqbench:") and vaddr - addrs[i] < 1 << 20:
            return names[i]
        return "[user, other]"

    marks = []
    delivered = collections.Counter()  # events delivered in the marked bursts
    with open(console, errors="replace") as f:
        for line in f:
            if line.startswith("# insns mark: "):
                what, cont = line.split()[3:5]
                marks.append((what, cont))
            elif line.startswith("RES ") and " test=burst " in line:
                kv = dict(x.split("=", 1) for x in line.split()[1:] if "=" in x)
                delivered[kv["contender"]] += int(kv["delivered"])

    snaps = []
    cur = None
    with open(raw) as f:
        for line in f:
            if line.startswith("snap "):
                cur = collections.Counter()
                snaps.append(cur)
                continue
            vaddr, insns, e0, e1 = line.split()
            cur[(int(vaddr, 16), 0)] += int(insns) * int(e0)
            cur[(int(vaddr, 16), 1)] += int(insns) * int(e1)

    per_cont = collections.defaultdict(collections.Counter)
    per_cpu = collections.defaultdict(collections.Counter)
    bursts = collections.Counter()
    for i in range(1, min(len(snaps), len(marks))):
        (w0, c0), (w1, c1) = marks[i - 1], marks[i]
        if w0 == "begin" and w1 == "end" and c0 == c1:
            bursts[c0] += 1
            for (vaddr, cpu), n in snaps[i].items():
                per_cont[c0][name(vaddr)] += n
                per_cpu[c0][cpu] += n

    out = []
    out.append(f"guest instructions per edge in bursts of {burst} (QEMU plugin, both vCPUs,"
               " everything that ran between the markers)")
    order = list(per_cont)
    for c in order:
        edges = burst * bursts[c]
        tot = sum(per_cont[c].values())
        user = sum(n for s, n in per_cont[c].items() if s.startswith(("irqbench:", "[user")))
        per_ev = (f", {tot / delivered[c]:.0f} per delivered event ({delivered[c]} delivered)"
                  if delivered[c] else "")
        out.append(f"\n{c}: {bursts[c]} bursts, {tot / edges:.0f} instructions per edge{per_ev}"
                   f" ({(tot - user) / edges:.0f} kernel, {user / edges:.0f} user;"
                   f" vCPU 0, interrupts and raiser: {per_cpu[c][0] / edges:.0f},"
                   f" vCPU 1, reader: {per_cpu[c][1] / edges:.0f})")
        for s, n in per_cont[c].most_common(25):
            out.append(f"  {n / edges:9.1f}  {s}")
    # each contender against the counter, and irqcap's modes against its handler alone
    pairs = [(c, "count") for c in order if c != "count" and "count" in per_cont]
    pairs += [(c, "irqcap-hardirq-noreader") for c in order
              if c.startswith("irqcap-") and c != "irqcap-hardirq-noreader"
              and "irqcap-hardirq-noreader" in per_cont]
    for c, b in pairs:
        base, be = per_cont[b], burst * bursts[b]
        ce = burst * bursts[c]
        diff = {s: per_cont[c].get(s, 0) / ce - base.get(s, 0) / be
                for s in set(per_cont[c]) | set(base)}
        tot = sum(diff.values())
        out.append(f"\n{c} minus {b}: {tot:+.0f} instructions per edge; largest differences:")
        for s, d in sorted(diff.items(), key=lambda x: -abs(x[1]))[:30]:
            out.append(f"  {d:+9.1f}  {s}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
