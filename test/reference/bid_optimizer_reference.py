#!/usr/bin/env python3
"""Independent reference values for the Bid Optimizer engine (nodes/BidOptimizer/engine).

Every value is worked out here again from the formulas written in the engine's doc comments, in
exact rational arithmetic (fractions.Fraction), never from the TypeScript code. The budget
reallocation is solved differently from the engine: exactly, by walking the breakpoints of the
piecewise-linear total, where the engine bisects.

Regenerate:
    python3 test/reference/bid_optimizer_reference.py
It writes test/reference/bid-optimizer-reference.json next to this file; commit both.
"""
import json
import math
import os
from fractions import Fraction as F


def cents_round(x):
    """Nearest cent, half away from zero (x in currency units, exact)."""
    c = x * 100
    return int(math.floor(c + F(1, 2))) if c >= 0 else -int(math.floor(-c + F(1, 2)))


def ceil_cents(x):
    return math.ceil(x * 100)


def floor_cents(x):
    return math.floor(x * 100)


def clamp(v, lo, hi):
    return min(max(v, lo), hi)


def fnum(x):
    return float(x)


# ---------------------------------------------------------------- keyword bids
KEYWORD_SETTINGS = dict(targetAcos=F(3, 10), k=50, minClicks=15, step=F(1, 5), floor=F(10, 100), ceiling=F(5))

KEYWORD_ROWS = [
    # id, adGroup, campaign, text, match, state, clicks, impressions, spend, sales, orders, bid, campaignBudget
    ("A1", "AG-A", "C-1", "fantasy novel", "BROAD", "ENABLED", 300, 9000, "270", "900", 30, "1.00", "50"),
    ("A2", "AG-A", "C-1", "dragon book", "PHRASE", "ENABLED", 3, 400, "2.50", "30", 1, "1.00", "50"),
    ("A3", "AG-A", "C-1", "free ebook", "BROAD", "ENABLED", 40, 2000, "30", "0", 0, "0.80", "50"),
    ("A4", "AG-A", "C-1", "epic fantasy series", "EXACT", "ENABLED", 120, 3000, "90", "600", 20, "0.60", "50"),
    ("B1", "AG-B", "C-2", "wizard school", "EXACT", "ENABLED", 50, 1500, "40", "50", 2, "0.90", "10"),
    ("B2", "AG-B", "C-2", "magic academy", "BROAD", "PAUSED", 20, 900, "8", "0", 0, "0.50", "10"),
    ("B3", "AG-B", "C-2", None, "TARGETING_EXPRESSION", "ENABLED", 100, 5000, "60", "125", 5, "0.70", "10"),
    ("C1", "AG-C", "C-3", "box set", "EXACT", "ENABLED", 200, 4000, "500", "6000", 60, "4.50", None),
    ("D1", "AG-D", "C-3", "cheap books", "BROAD", "ENABLED", 1000, 50000, "50", "10", 1, "0.12", None),
]


def keyword_reference():
    s = KEYWORD_SETTINGS
    rows = []
    for r in KEYWORD_ROWS:
        rows.append(dict(id=r[0], group=r[1], campaign=r[2], text=r[3], match=r[4], state=r[5], clicks=r[6], impressions=r[7],
                         spend=F(r[8]), sales=F(r[9]), orders=r[10], bid=F(r[11]), budget=None if r[12] is None else F(r[12])))
    C = sum(r["clicks"] for r in rows)
    O = sum(r["orders"] for r in rows)
    S = sum(r["sales"] for r in rows)
    pA = F(O, C)
    aovA = S / O
    groups = {}
    for r in rows:
        g = groups.setdefault(r["group"], dict(c=0, o=0, s=F(0)))
        g["c"] += r["clicks"]
        g["o"] += r["orders"]
        g["s"] += r["sales"]
    k = s["k"]
    for g in groups.values():
        g["pG"] = (g["o"] + k * pA) / (g["c"] + k)
        g["aov"] = g["s"] / g["o"] if g["o"] > 0 else aovA
    out = []
    for r in rows:
        g = groups[r["group"]]
        p = (r["orders"] + k * g["pG"]) / (r["clicks"] + k)
        rpc = p * g["aov"]
        target = s["targetAcos"] * rpc
        cur = cents_round(r["bid"])
        spend_limit = 2 * s["targetAcos"] * g["aov"]
        entry = dict(id=r["id"], smoothedConversionRate=fnum(p), groupConversionRate=fnum(g["pG"]), orderValue=fnum(g["aov"]),
                     revenuePerClick=fnum(rpc), targetBid=fnum(target))
        if r["state"] != "ENABLED":
            entry.update(action="none", rule="notEnabled")
        elif r["orders"] == 0 and r["spend"] >= spend_limit and r["spend"] > 0:
            lowered = clamp(ceil_cents(r["bid"] * (1 - s["step"])), ceil_cents(s["floor"]), floor_cents(s["ceiling"]))
            entry.update(action="lowerBid", rule="pauseNoOrders", newBid=lowered / 100, spendLimit=fnum(spend_limit))
        elif r["clicks"] < s["minClicks"]:
            entry.update(action="none", rule="minimumClicks")
        else:
            lo = ceil_cents(F(cur, 100) * (1 - s["step"]))
            hi = floor_cents(F(cur, 100) * (1 + s["step"]))
            new = clamp(clamp(cents_round(target), lo, hi), ceil_cents(s["floor"]), floor_cents(s["ceiling"]))
            if new == cur:
                entry.update(action="none", rule="targetAcos")
            else:
                entry.update(action="setBid", rule="targetAcos", newBid=new / 100)
        out.append(entry)
    # projection: spend × new/old, paused rows none here
    proj_spend = F(0)
    for r, e in zip(rows, out):
        nb = F(round(e["newBid"] * 100), 100) if "newBid" in e else r["bid"]
        proj_spend += r["spend"] * nb / r["bid"]
    # guard: one day of data, campaigns with a budget above 120%
    camp = {}
    for r in rows:
        c = camp.setdefault(r["campaign"], dict(spend=F(0), budget=None))
        c["spend"] += r["spend"]
        if c["budget"] is None:
            c["budget"] = r["budget"]
    alerts = sorted(cid for cid, c in camp.items() if c["budget"] is not None and c["spend"] / c["budget"] > F(6, 5))
    return dict(
        settings={key: fnum(v) for key, v in s.items()},
        rows=[dict(keywordId=r[0], adGroupId=r[1], campaignId=r[2], keywordText=r[3], matchType=r[4], state=r[5], clicks=r[6],
                   impressions=r[7], spend=float(r[8]), sales=float(r[9]), orders=r[10], bid=float(r[11]),
                   campaignBudget=None if r[12] is None else float(r[12])) for r in KEYWORD_ROWS],
        accountConversionRate=fnum(pA), accountOrderValue=fnum(aovA),
        expected=out,
        projectedSpend=fnum(proj_spend), currentSpend=fnum(sum(r["spend"] for r in rows)), sales=fnum(S),
        alerts=alerts,
    )


# ---------------------------------------------------------------- search terms
TERM_ROWS = [
    # term, campaign, adGroup, keywordText, match, clicks, spend, sales, orders
    ("dragon rider book", "C-1", "AG-A", "dragon book", "BROAD", 30, "12", "75", 3),      # harvest: ACoS 16%
    ("dragon rider book", "C-1", "AG-A", "dragon book", "PHRASE", 10, "4", "25", 2),      # same term, same ad group: repeat
    ("free dragon pdf", "C-1", "AG-A", "dragon book", "BROAD", 25, "15", "0", 0),         # negative
    ("epic fantasy series", "C-1", "AG-A", "epic fantasy series", "EXACT", 50, "20", "200", 8),  # its own exact keyword
    ("b0abc12345", "C-1", "AG-A", None, "TARGETING_EXPRESSION", 12, "9", "0", 0),           # ASIN
    ("wizard school books", "C-2", "AG-B", "wizard school", "BROAD", 8, "6", "25", 1),     # kept: 1 order
    ("dragon series", "C-1", "AG-A", "dragon book", "BROAD", 40, "40", "100", 4),         # ACoS 40% > 30%: kept
]


def search_term_reference():
    targetAcos, k = F(3, 10), 50
    rows = [dict(term=t[0], campaign=t[1], group=t[2], kw=t[3], match=t[4], clicks=t[5], spend=F(t[6]), sales=F(t[7]), orders=t[8]) for t in TERM_ROWS]
    C = sum(r["clicks"] for r in rows)
    O = sum(r["orders"] for r in rows)
    S = sum(r["sales"] for r in rows)
    pA = F(O, C)
    aovA = S / O
    groups = {}
    for r in rows:
        g = groups.setdefault(r["group"], dict(c=0, o=0, s=F(0)))
        g["c"] += r["clicks"]
        g["o"] += r["orders"]
        g["s"] += r["sales"]
    for g in groups.values():
        g["pG"] = (g["o"] + k * pA) / (g["c"] + k)
        g["aov"] = g["s"] / g["o"] if g["o"] else aovA
    out = []
    for r in rows:
        g = groups[r["group"]]
        p = (r["orders"] + k * g["pG"]) / (r["clicks"] + k)
        bid = clamp(cents_round(targetAcos * p * g["aov"]), 10, 500) / 100
        out.append(dict(term=r["term"], bid=bid))
    return dict(
        rows=[dict(searchTerm=t[0], campaignId=t[1], adGroupId=t[2], keywordText=t[3], matchType=t[4], clicks=t[5], impressions=t[5] * 30,
                   spend=float(t[6]), sales=float(t[7]), orders=t[8]) for t in TERM_ROWS],
        harvestBid=out[0]["bid"],
    )


# ---------------------------------------------------------------- Meta budgets
def solve_exact(weights, lo, hi, share):
    """λ with Σ clamp(λ w, lo, hi) = share, exactly, by the breakpoints of the piecewise-linear sum."""
    points = sorted(set([F(0)] + [F(l) / w for l, w in zip(lo, weights)] + [F(h) / w for h, w in zip(hi, weights)]))

    def total(lam):
        return sum(clamp(lam * w, l, h) for w, l, h in zip(weights, lo, hi))

    for a, b in zip(points, points[1:]):
        ta, tb = total(a), total(b)
        if ta <= share <= tb:
            if tb == ta:
                return a
            return a + (b - a) * (share - ta) / (tb - ta)
    raise ValueError("share out of range")


def meta_case(rows, total=None, floor=F(1), step=F(1, 5), learning=50, m=None):
    spend = sum(F(r["spend"]) for r in rows)
    revenue = sum(F(r["revenue"]) for r in rows)
    R = revenue / spend
    if m is None:
        m = spend / len(rows) / 2
    rho = [(F(r["revenue"]) + m * R) / (F(r["spend"]) + m) for r in rows]
    budgets = [cents_round(F(r["dailyBudget"])) for r in rows]
    T = sum(budgets) if total is None else cents_round(F(total))
    elig = [i for i, r in enumerate(rows) if r["events"] >= learning]
    share = T - sum(budgets[i] for i in range(len(rows)) if i not in elig)
    fc = ceil_cents(floor)
    lo = [max(fc, math.ceil(F(budgets[i]) * (1 - step))) for i in elig]
    hi = [max(l, math.floor(F(budgets[i]) * (1 + step))) for l, i in zip(lo, elig)]
    w = [budgets[i] * rho[i] / R for i in elig]
    if sum(lo) >= share:
        alloc = lo
    elif sum(hi) <= share:
        alloc = hi
    else:
        lam = solve_exact(w, lo, hi, share)
        x = [clamp(lam * wi, l, h) for wi, l, h in zip(w, lo, hi)]
        base = [math.floor(v) for v in x]
        left = share - sum(base)
        order = sorted(range(len(x)), key=lambda j: (-(x[j] - math.floor(x[j])), j))
        while left > 0:
            for j in order:
                if left and base[j] < hi[j]:
                    base[j] += 1
                    left -= 1
        alloc = base
    after = [r["dailyBudget"] for r in rows]
    for j, i in enumerate(elig):
        after[i] = alloc[j] / 100
    return dict(rows=rows, totalBudget=None if total is None else float(total), smoothingSpend=fnum(m), accountRoas=fnum(R),
                smoothedRoas=[fnum(x) for x in rho], after=after, share=share / 100)


META_ROWS = [
    dict(adSetId="S1", campaignId="M-1", dailyBudget=100, spend=700, revenue=2800, events=120),
    dict(adSetId="S2", campaignId="M-1", dailyBudget=100, spend=700, revenue=1050, events=80),
    dict(adSetId="S3", campaignId="M-2", dailyBudget=50, spend=350, revenue=700, events=60),
    dict(adSetId="S4", campaignId="M-2", dailyBudget=40, spend=280, revenue=1400, events=30),
    dict(adSetId="S5", campaignId="M-3", dailyBudget=10, spend=20, revenue=200, events=55),
]

META_FLOOR_ROWS = [
    dict(adSetId="F1", dailyBudget=6, spend=42, revenue=10, events=60),
    dict(adSetId="F2", dailyBudget=200, spend=1400, revenue=5600, events=300),
    dict(adSetId="F3", dailyBudget=120, spend=840, revenue=1680, events=200),
    dict(adSetId="F4", dailyBudget="33.33", spend=233, revenue=699, events=70),
]


def main():
    ref = dict(
        generatedBy="test/reference/bid_optimizer_reference.py",
        keywords=keyword_reference(),
        searchTerms=search_term_reference(),
        meta=dict(
            keepTotal=meta_case(META_ROWS),
            raiseTotal=meta_case(META_ROWS, total=330),
            floor=meta_case(META_FLOOR_ROWS, floor=F(5), m=F(100)),
        ),
    )
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "bid-optimizer-reference.json"), "w") as f:
        json.dump(ref, f, indent=1, default=str)
        f.write("\n")


if __name__ == "__main__":
    main()
