#!/usr/bin/env python3
"""Workload generator for signing-bins.sh: N small files (20-80 bytes) in 100 sub-folders."""
import os
import sys

out, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(out, f"d{i % 100:02d}")
    if i < 100:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file-{i:06d}.txt"), "w") as f:
        f.write(f"target {i} " + "x" * (i % 60) + "\n")
