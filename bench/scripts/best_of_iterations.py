#!/usr/bin/env python3
"""The best-of-iterations table of a ZooSpeed run (bench/figures/zoo-speed.md), from JMH's JSON result.

JMH's means (ZooSpeed's own table) include an iteration slowed by the shared VM; the best of the measured
iterations of each trial is what the README quotes. Usage: python3 bench/scripts/best_of_iterations.py
bench/target/zoo-speed.json
"""
import json
import math
import sys


def fmt(ms):
    return f"{ms:.3g}" if ms < 100 else f"{ms:.0f}"


def main(path):
    runs = json.load(open(path))
    best = {}    # model -> method -> best iteration ms
    worst = {}   # model -> worst qsh float iteration ms
    order = []
    for r in runs:
        model = r["params"]["model"]
        method = r["benchmark"].rsplit(".", 1)[1]
        its = [v for fork in r["primaryMetric"]["rawData"] for v in fork]
        if model not in best:
            best[model] = {}
            order.append(model)
        best[model][method] = min(its)
        if method == "qshFloat":
            worst[model] = max(its)
    print("| model | qsh float ms (best of 3) | best ORT ms (best of 3, 1 or 2 threads) | qsh / best ORT"
          " | qsh W8A8 sim ms (best of 3) | sim / float |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    ratios, sims, spread = [], [], []
    for m in order:
        b = best[m]
        ort = min(v for k, v in b.items() if k.startswith("ort"))
        f, s = b["qshFloat"], b["qshSimW8A8"]
        ratios.append(f / ort)
        sims.append(s / f)
        spread.append(worst[m] / f)
        print(f"| {m} | {fmt(f)} | {fmt(ort)} | {f / ort:.2f}× | {fmt(s)} | {s / f:.2f}× |")
    g = math.exp(sum(map(math.log, ratios)) / len(ratios))
    gs = math.exp(sum(map(math.log, sims)) / len(sims))
    print(f"| **geometric mean** | | | **{g:.2f}×** | | **{gs:.2f}×** |")
    print()
    print(f"Best iterations: qsh / best ORT geometric mean {g:.2f}×, {sum(r > 3 for r in ratios)} above 3×, "
          f"{sum(r > 1.5 for r in ratios)} above 1.5×; sim / float geometric mean {gs:.2f}×, "
          f"{sum(r > 1.2 for r in sims)} above 1.2×. Worst/best qsh float iteration: at most {max(spread):.2f}×.")


if __name__ == "__main__":
    main(sys.argv[1])
