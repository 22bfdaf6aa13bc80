"""Generates every operator family's cases: python3 gen_all.py OUT_DIR [family...]."""
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from case_writer import CaseWriter  # noqa: E402

FAMILIES = ["elementwise", "reduction", "nn", "rnn", "shape", "misc"]


def main():
    out = sys.argv[1]
    wanted = sys.argv[2:] or FAMILIES
    for fam in wanted:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), fam + ".py")
        if not os.path.exists(path):
            continue
        mod = importlib.import_module(fam)
        w = CaseWriter(out, fam)
        mod.generate(w)
        w.close()
        print(f"{fam}: {len(w.cases)} cases")


if __name__ == "__main__":
    main()
