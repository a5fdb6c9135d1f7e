#!/usr/bin/env python3
"""Independent reference values for the A/B Test engine (nodes/AbTest/engine).

Every value here comes from scipy, mpmath or a textbook formula written out again in Python, never
from the TypeScript code, so the unit tests compare two independent implementations.

Regenerate (Debian: apt-get install python3-scipy python3-mpmath):
    python3 test/reference/ab_test_reference.py
It writes test/reference/ab-test-reference.json next to this file; commit both.
"""
import json
import math
import os

import mpmath as mp
import numpy as np
import scipy
from scipy import stats

ALPHA = 0.05
Z = stats.norm.ppf(1 - ALPHA / 2)


def f(x):
    return float(x)


# ---- two-proportion z-test: pooled z, p from scipy's chi-square test of the 2x2 table ----
def z_cases():
    out = []
    for cA, nA, cB, nB in [(100, 1000, 125, 1000), (14, 28, 16, 30), (3, 20, 1, 25), (5000, 100000, 5200, 100000),
                           (0, 50, 5, 50), (480, 10000, 560, 10000)]:
        pA, pB = cA / nA, cB / nB
        table = np.array([[cA, nA - cA], [cB, nB - cB]])
        chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
        pooled = (cA + cB) / (nA + nB)
        se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB))
        se = math.sqrt(pA * (1 - pA) / nA + pB * (1 - pB) / nB)
        z = (pB - pA) / se_pooled
        assert abs(z * z - chi2) < 1e-8 * max(1, chi2)
        out.append(dict(cA=cA, nA=nA, cB=cB, nB=nB, z=z, p=f(p), pFromNorm=f(2 * stats.norm.sf(abs(z))),
                        se=se, sePooled=se_pooled, ciLow=pB - pA - Z * se, ciHigh=pB - pA + Z * se))
    return out


# ---- chi-square test of independence over k arms ----
def independence_cases():
    out = []
    for visitors, conversions in [([1000, 1000, 990], [100, 125, 98]), ([5000, 5100, 4900, 5050], [250, 270, 240, 300])]:
        table = np.array([[c, n - c] for n, c in zip(visitors, conversions)])
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
        out.append(dict(visitors=visitors, conversions=conversions, chiSquare=f(chi2), df=int(dof), p=f(p)))
    return out


# ---- Welch t-test from summary statistics ----
def welch_cases():
    out = []
    for nA, mA, sA, nB, mB, sB in [(3407, 0.41, 3.9, 3461, 0.70, 6.2), (28, 0.5, 0.5, 30, 16 / 30, math.sqrt(16 / 30 * 14 / 30)),
                                   (12, 10.0, 2.5, 9, 12.5, 4.0), (500, 35.2, 20.1, 520, 33.9, 18.7)]:
        r = stats.ttest_ind_from_stats(mB, sB, nB, mA, sA, nA, equal_var=False)
        vA, vB = sA * sA / nA, sB * sB / nB
        df = (vA + vB) ** 2 / (vA * vA / (nA - 1) + vB * vB / (nB - 1))
        se = math.sqrt(vA + vB)
        q = stats.t.ppf(1 - ALPHA / 2, df)
        out.append(dict(nA=nA, meanA=mA, sdA=sA, nB=nB, meanB=mB, sdB=sB, t=f(r.statistic), p=f(r.pvalue), df=df, se=se,
                        ciLow=mB - mA - q * se, ciHigh=mB - mA + q * se))
    return out


# ---- delta-method relative lift, normal and t(Welch df) intervals ----
def relative_cases():
    out = []
    for mA, vA, nA, mB, vB, nB in [(0.1, 0.09, 1000, 0.125, 0.125 * 0.875, 1000), (0.41, 3.9 ** 2, 3407, 0.70, 6.2 ** 2, 3461),
                                   (0.5, 0.25, 28, 16 / 30, 16 / 30 * 14 / 30, 30)]:
        lift = (mB - mA) / mA
        se = math.sqrt(vA * mB ** 2 / (mA ** 4 * nA) + vB / (mA ** 2 * nB))
        df = (vA / nA + vB / nB) ** 2 / ((vA / nA) ** 2 / (nA - 1) + (vB / nB) ** 2 / (nB - 1))
        qt = stats.t.ppf(1 - ALPHA / 2, df)
        out.append(dict(meanA=mA, varianceA=vA, nA=nA, meanB=mB, varianceB=vB, nB=nB, lift=lift, se=se,
                        zLow=lift - Z * se, zHigh=lift + Z * se, tLow=lift - qt * se, tHigh=lift + qt * se,
                        tP=f(2 * stats.t.sf(abs(lift / se), df))))
    return out


# ---- exact Bayesian P(B > A) and expected loss by numerical integration ----
# scipy's adaptive quadrature over Beta densities (double precision, breakpoints around both peaks),
# cross-checked with mpmath at 30 digits where its incomplete beta converges (smaller counts).
def beta_points(a, b):
    m = a / (a + b)
    sd = math.sqrt(m * (1 - m) / (a + b + 1))
    return [m + k * sd for k in (-12, -6, -3, -1, 0, 1, 3, 6, 12)]


def integrate(fn, points):
    points = sorted({min(max(x, 0.0), 1.0) for x in points} - {0.0, 1.0})
    value, _ = scipy.integrate.quad(fn, 0, 1, points=points, limit=1000, epsabs=1e-15, epsrel=1e-13)
    return value


def bayes(cA, nA, cB, nB):
    aA, bA, aB, bB = 1 + cA, 1 + nA - cA, 1 + cB, 1 + nB - cB
    mA, mB = aA / (aA + bA), aB / (aB + bB)
    pts = beta_points(aA, bA) + beta_points(aB, bB)
    A, B, Aplus, Bplus = stats.beta(aA, bA), stats.beta(aB, bB), stats.beta(aA + 1, bA), stats.beta(aB + 1, bB)
    # P(pB > pA) = ∫ f_B(x) F_A(x) dx
    prob = integrate(lambda x: B.pdf(x) * A.cdf(x), pts)
    # E[max(pA − pB, 0)] = ∫ f_A(x) (x·F_B(x) − mB·F_{Beta(aB+1, bB)}(x)) dx, since ∫₀ˣ y f_B(y) dy = mB·F_{B+}(x)
    lossB = integrate(lambda x: A.pdf(x) * (x * B.cdf(x) - mB * Bplus.cdf(x)), pts)
    lossA = integrate(lambda x: B.pdf(x) * (x * A.cdf(x) - mA * Aplus.cdf(x)), pts)
    if aA + bA + aB + bB < 3000:
        mp.mp.dps = 30
        pdf = lambda x, a, b: mp.exp((a - 1) * mp.log(x) + (b - 1) * mp.log(1 - x) - mp.log(mp.beta(a, b)))
        exact = mp.quad(lambda x: pdf(x, aB, bB) * mp.betainc(aA, bA, 0, x, regularized=True),
                        [0] + sorted({min(max(x, 0.0), 1.0) for x in pts} - {0.0, 1.0}) + [1])
        assert abs(float(exact) - prob) < 1e-10, (cA, nA, cB, nB, prob, exact)
    return dict(cA=cA, nA=nA, cB=cB, nB=nB, probability=prob, lossChoosingB=lossB, lossChoosingA=lossA)


def bayes_cases():
    return [bayes(*c) for c in [(10, 100, 15, 100), (3, 20, 1, 25), (100, 1000, 125, 1000), (0, 50, 5, 50),
                                (50, 50, 48, 50), (200, 1000, 200, 1000), (5000, 100000, 5200, 100000),
                                (480, 10000, 560, 10000), (1, 1, 0, 1), (2500, 5000, 2600, 5000)]]


def normal_bayes_cases():
    out = []
    for d, s in [(0.29, 0.12478363), (-0.5, 0.3), (0.0, 1.0)]:
        z = d / s
        out.append(dict(difference=d, se=s, probability=f(stats.norm.cdf(z)),
                        lossChoosingB=f(s * stats.norm.pdf(z) - d * stats.norm.cdf(-z)),
                        lossChoosingA=f(s * stats.norm.pdf(z) + d * stats.norm.cdf(z))))
    return out


# ---- SRM: scipy.stats.chisquare ----
def srm_cases():
    out = []
    for observed, shares in [([5000, 5100], None), ([5000, 5400], None), ([1000, 1000, 990], None),
                             ([9000, 1100], [90, 10]), ([4100, 3000, 2900], [0.4, 0.3, 0.3]), ([821, 1000], [1, 1])]:
        total = sum(observed)
        w = shares or [1] * len(observed)
        expected = [total * x / sum(w) for x in w]
        r = stats.chisquare(observed, expected)
        out.append(dict(observed=observed, shares=shares, chiSquare=f(r.statistic), p=f(r.pvalue)))
    return out


# ---- tiny tails: chi-square survival and Bayesian chances far below 1e-16, at 50 digits ----
def chi_square_tail_cases():
    mp.mp.dps = 50
    out = []
    for k, x in [(1, 0.5), (1, 3.84), (1, 80), (1, 700), (2, 100), (2, 1300), (3, 7.81), (3, 150), (4, 200), (5, 1000),
                 (9, 60), (20, 31.4), (20, 400), (50, 49), (99, 1200)]:
        q = mp.gammainc(mp.mpf(k) / 2, mp.mpf(x) / 2, mp.inf, regularized=True)
        # the closed form for an even number of degrees of freedom, as a cross-check: e^(-x/2) Σ_{j<k/2} (x/2)^j / j!
        if k % 2 == 0:
            h = mp.mpf(x) / 2
            closed = mp.exp(-h) * mp.fsum(h ** j / mp.factorial(j) for j in range(k // 2))
            assert abs(closed - q) <= q * mp.mpf(10) ** -40
        out.append(dict(k=k, x=x, p=f(q)))
    srm = []
    for observed in [[5000, 6000], [10000, 12000, 10000], [100000, 101000]]:
        total = sum(observed)
        e = mp.mpf(total) / len(observed)
        chi2 = mp.fsum((o - e) ** 2 / e for o in observed)
        srm.append(dict(observed=observed, chiSquare=f(chi2), p=f(mp.gammainc(mp.mpf(len(observed) - 1) / 2, chi2 / 2, mp.inf, regularized=True))))
    independence = []
    for visitors, conversions in [([10000, 10000], [500, 900]), ([5000, 5000, 5000], [250, 400, 250])]:
        N, C = sum(visitors), sum(conversions)
        chi2 = mp.mpf(0)
        for n, c in zip(visitors, conversions):
            for observed, expected in [(c, mp.mpf(n) * C / N), (n - c, mp.mpf(n) * (N - C) / N)]:
                chi2 += (observed - expected) ** 2 / expected
        df = len(visitors) - 1
        independence.append(dict(visitors=visitors, conversions=conversions, chiSquare=f(chi2), df=df,
                                 p=f(mp.gammainc(mp.mpf(df) / 2, chi2 / 2, mp.inf, regularized=True))))
    return dict(chiSquareSf=out, srm=srm, independence=independence)


def bayes_tail_cases():
    """P(pB > pA) and P(pA > pB), Beta(1 + c, 1 + n − c) posteriors, each by Evan Miller's exact sum of every
    term at 50 digits (no early stop, no 1 − x); the two must add up to 1: chances far below 1e-10."""
    mp.mp.dps = 50

    def greater(a, b, c, d):  # P(Beta(a, b) > Beta(c, d)) = Σ_{i<a} B(c+i, b+d) / ((b+i) B(1+i, b) B(c, d))
        return mp.fsum(mp.beta(c + i, b + d) / ((b + i) * mp.beta(1 + i, b) * mp.beta(c, d)) for i in range(a))

    out = []
    for cA, nA, cB, nB in [(250, 1000, 100, 1000), (100, 1000, 160, 1000), (30, 200, 2, 200), (900, 10000, 500, 10000)]:
        aA, bA, aB, bB = 1 + cA, 1 + nA - cA, 1 + cB, 1 + nB - cB
        higher, lower = greater(aB, bB, aA, bA), greater(aA, bA, aB, bB)
        assert abs(higher + lower - 1) < mp.mpf(10) ** -40, (cA, nA, cB, nB, higher, lower)
        out.append(dict(cA=cA, nA=nA, cB=cB, nB=nB, probabilityBHigher=f(higher), probabilityAHigher=f(lower)))
    return out


# ---- sample size: Evan Miller's and the pooled (Fleiss) formula, written out again ----
def evan_miller(p, d, alpha, power):
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    return (za * math.sqrt(2 * p * (1 - p)) + zb * math.sqrt(p * (1 - p) + (p + d) * (1 - p - d))) ** 2 / d ** 2


def pooled(p, d, alpha, power):
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    q = p + d
    m = (p + q) / 2
    return (za * math.sqrt(2 * m * (1 - m)) + zb * math.sqrt(p * (1 - p) + q * (1 - q))) ** 2 / d ** 2


def pooled_power(p, d, n, alpha):
    """Power of the two-sided pooled z-test with n per arm (normal approximation, both tails)."""
    q = p + d
    m = (p + q) / 2
    za = stats.norm.ppf(1 - alpha / 2)
    s0 = math.sqrt(2 * m * (1 - m) / n)
    s1 = math.sqrt((p * (1 - p) + q * (1 - q)) / n)
    return f(stats.norm.sf((za * s0 - abs(d)) / s1) + stats.norm.cdf((-za * s0 - abs(d)) / s1))


def sample_size_cases():
    out = []
    for p, d, alpha, power in [(0.2, 0.05, 0.05, 0.8), (0.05, 0.005, 0.05, 0.8), (0.1, 0.01, 0.01, 0.9), (0.03, 0.006, 0.05, 0.8),
                               (0.5, -0.05, 0.05, 0.8)]:
        n = evan_miller(p, d, alpha, power)
        npool = pooled(p, d, alpha, power)
        out.append(dict(p=p, delta=d, alpha=alpha, power=power, evanMiller=n, pooled=npool,
                        powerAtPooled=pooled_power(p, d, npool, alpha), powerAtPooledCeil=pooled_power(p, d, math.ceil(npool), alpha)))
    sd, d = 3.9, 0.041
    za, zb = stats.norm.ppf(0.975), stats.norm.ppf(0.8)
    continuous = dict(sd=sd, delta=d, alpha=0.05, power=0.8, n=2 * (za + zb) ** 2 * sd ** 2 / d ** 2)
    return out, continuous


# ---- sequential: GrowthBook's asymptotic confidence sequence, written out from the paper ----
def rho(alpha, tuning):
    return math.sqrt((-2 * math.log(alpha) + math.log(1 - 2 * math.log(alpha))) / tuning)


def seq_p(z, n, alpha=0.05, tuning=5000):
    r2 = rho(alpha, tuning) ** 2
    return min(1.0, math.sqrt(n * r2 + 1) * math.exp(-r2 * n * z * z / (2 * (n * r2 + 1))))


def seq_halfwidth(se, n, alpha, tuning):
    r = rho(alpha, tuning)
    return se * math.sqrt(n) * math.sqrt(2 * (n * r * r + 1) / (n * r) ** 2 * math.log(math.sqrt(n * r * r + 1) / alpha))


def sequential_cases():
    cases = []
    for z, n in [(3.0, 10000), (2.5, 2000), (1.96, 6461), (4.0, 50000), (0.5, 1000), (6.0, 3000)]:
        cases.append(dict(z=z, n=n, alpha=0.05, tuning=5000, p=seq_p(z, n), fixedP=f(2 * stats.norm.sf(z))))
    # GrowthBook's published confidence sequences (packages/stats/tests/frequentist/test_tests.py)
    def rel(mA, vA, nA, mB, vB, nB):
        return (mB - mA) / mA, math.sqrt(vA * mB ** 2 / (mA ** 4 * nA) + vB / (mA ** 2 * nB))
    mA = 1396.87 / 3000; vA = (52377.9767 - 1396.87 ** 2 / 3000) / 2999
    mB = 2422.7 / 3461; vB = (134698.29 - 2422.7 ** 2 / 3461) / 3460
    lift, se = rel(mA, vA, 3000, mB, vB, 3461)
    h = seq_halfwidth(se, 6461, 0.05, 1000)
    published = [dict(name='revenue, N* = 1000', meanA=mA, varianceA=vA, nA=3000, meanB=mB, varianceB=vB, nB=3461, tuning=1000,
                      lift=lift, se=se, low=lift - h, high=lift + h, publishedLow=-0.55844, publishedHigh=1.56516)]
    pA, pB = 1396 / 3000, 2422 / 3461
    lift, se = rel(pA, pA * (1 - pA), 3000, pB, pB * (1 - pB), 3461)
    h = seq_halfwidth(se, 6461, 0.05, 5000)
    published.append(dict(name='proportions, N* = 5000', meanA=pA, varianceA=pA * (1 - pA), nA=3000, meanB=pB,
                          varianceB=pB * (1 - pB), nB=3461, tuning=5000, lift=lift, se=se, low=lift - h, high=lift + h,
                          publishedLow=0.40098, publishedHigh=0.60675))
    return dict(rho=rho(0.05, 5000), cases=cases, published=published)


def main():
    sizes, continuous = sample_size_cases()
    ps_holm = [0.01, 0.04, 0.03, 0.005, 0.55, 0.6]
    ps_bh = [0.898, 0.138, 0.007, 0.964, 0.538, 0.006, 0.138]
    data = dict(
        generatedBy='test/reference/ab_test_reference.py',
        versions=dict(scipy=scipy.__version__, numpy=np.__version__, mpmath=mp.__version__),
        alpha=ALPHA,
        zTest=z_cases(),
        independence=independence_cases(),
        welch=welch_cases(),
        relative=relative_cases(),
        bayes=bayes_cases(),
        normalBayes=normal_bayes_cases(),
        multiple=dict(
            holm=dict(p=ps_holm, published=[0.05, 0.12, 0.12, 0.03, 1, 1]),
            bh=dict(p=ps_bh, published=[0.964, 0.2415, 0.0245, 0.964, 0.7532, 0.0245, 0.2415],
                    scipy=[f(x) for x in stats.false_discovery_control(ps_bh, method='bh')]),
        ),
        srm=srm_cases(),
        tails=chi_square_tail_cases(),
        bayesTails=bayes_tail_cases(),
        sampleSize=sizes,
        continuousSampleSize=continuous,
        sequential=sequential_cases(),
    )
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ab-test-reference.json')
    with open(path, 'w') as fh:
        json.dump(data, fh, indent=1)
        fh.write('\n')
    print(f'wrote {path}')


if __name__ == '__main__':
    main()
