"""Writes the first N samples of Fashion-MNIST's IDX files (gzipped) as plain IDX files.

usage: idx_slice.py SRC_DIR OUT_DIR TRAIN_N TEST_N
"""
import gzip
import os
import struct
import sys


def copy(src, dst, n):
    with gzip.open(src, "rb") as f:
        magic, count = struct.unpack(">II", f.read(8))
        dims = magic & 0xFF
        sizes = struct.unpack(">" + "I" * (dims - 1), f.read(4 * (dims - 1)))
        per = 1
        for s in sizes:
            per *= s
        n = min(n, count)
        body = f.read(per * n)
    with open(dst, "wb") as o:
        o.write(struct.pack(">II", magic, n))
        o.write(struct.pack(">" + "I" * len(sizes), *sizes))
        o.write(body)


def main():
    src, out, train_n, test_n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(out, exist_ok=True)
    copy(f"{src}/train-images-idx3-ubyte.gz", f"{out}/train-images.idx", train_n)
    copy(f"{src}/train-labels-idx1-ubyte.gz", f"{out}/train-labels.idx", train_n)
    copy(f"{src}/t10k-images-idx3-ubyte.gz", f"{out}/test-images.idx", test_n)
    copy(f"{src}/t10k-labels-idx1-ubyte.gz", f"{out}/test-labels.idx", test_n)


if __name__ == "__main__":
    main()
