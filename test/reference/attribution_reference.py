#!/usr/bin/env python3
"""Independent reference values for the Attribution engine (nodes/Attribution/engine).

Written from the definitions in docs STATISTICS.md (Attribution), never from the TypeScript:
- rule-based models by their formulas, touch by touch;
- Markov by numpy.linalg.solve on the absorbing chain built from a dict of transition counts, each
  removal done as defined (transitions into the channel go to null), as DP6's Marketing
  Attribution Models and ChannelAttribution define the removal effect;
- Shapley by brute force over every ordering of the players (itertools.permutations), with the
  coalition games written out from their definitions (simplified: conversions of journeys whose
  channel set is a subset; conversion rate: rate of journeys whose set is exactly S, per converting
  coalition as DP6 computes it);
- journeys from events by walking each user's events in time order.

Regenerate (Debian: apt-get install python3-numpy):
    python3 test/reference/attribution_reference.py
It writes test/reference/attribution-reference.json next to this file; commit both.
"""
import itertools
import json
import math
import os

import numpy as np

DAY = 86_400_000
T0 = 1_714_521_600_000  # 2024-05-01T00:00:00Z in epoch milliseconds


# ---------------------------------------------------------------- rule-based models
def rule_shares(model, touches, settings):
    """Shares of the touches [(group, time, direct)] of one converting journey."""
    n = len(touches)
    if model == 'firstTouch':
        return [1.0] + [0.0] * (n - 1)
    if model == 'lastTouch':
        return [0.0] * (n - 1) + [1.0]
    if model == 'lastNonDirect':
        shares = [0.0] * n
        candidates = [k for k in range(n) if not touches[k][2]]
        shares[candidates[-1] if candidates else n - 1] = 1.0
        return shares
    if model == 'linear':
        return [1.0 / n] * n
    if model == 'positionBased':
        f, l = settings['positionFirst'], settings['positionLast']
        if n == 1:
            return [1.0]
        if n == 2:
            return [f / (f + l), l / (f + l)] if f + l > 0 else [0.5, 0.5]
        return [f] + [(1 - f - l) / (n - 2)] * (n - 2) + [l]
    if model == 'timeDecay':
        h = settings['halfLifeDays'] * DAY
        conversion_time = settings['_conversionTime']
        w = [2.0 ** (-(conversion_time - t) / h) for _, t, _ in touches]
        s = sum(w)
        return [x / s for x in w]
    raise ValueError(model)


def rule_credits(model, journeys, k, settings):
    conv = [0.0] * k
    val = [0.0] * k
    for j in journeys:
        if not j['converted']:
            continue
        touches = [(t[0], t[1], t[2]) for t in j['touches']]
        shares = rule_shares(model, touches, {**settings, '_conversionTime': j['conversionTime']})
        for (g, _, _), share in zip(touches, shares):
            conv[g] += share
            val[g] += share * j['value']
    return conv, val


# ---------------------------------------------------------------- Markov
def markov(journeys, k):
    states = ['start'] + [f'g{g}' for g in range(k)]
    absorbing = ['conversion', 'null']
    counts = {}
    for j in journeys:
        path = ['start'] + [f'g{t[0]}' for t in j['touches']] + ['conversion' if j['converted'] else 'null']
        for a, b in zip(path, path[1:]):
            counts[(a, b)] = counts.get((a, b), 0) + 1

    def conversion_probability(removed=None):
        m = len(states)
        Q = np.zeros((m, m))
        R = np.zeros((m, 2))
        for i, a in enumerate(states):
            row = {b: c for (x, b), c in counts.items() if x == a}
            total = sum(row.values())
            if total == 0:
                continue
            for b, c in row.items():
                if b == removed:
                    R[i, 1] += c / total  # into the removed channel: now into null
                elif b in absorbing:
                    R[i, absorbing.index(b)] += c / total
                else:
                    Q[i, states.index(b)] += c / total
        x = np.linalg.solve(np.eye(m) - Q, R)
        return float(x[0, 0])

    p = conversion_probability()
    without = [conversion_probability(f'g{g}') for g in range(k)]
    effects = [1 - w / p if p > 0 else 0.0 for w in without]
    total_conv = sum(1 for j in journeys if j['converted'])
    total_val = sum(j['value'] for j in journeys if j['converted'])
    s = sum(effects)
    conv = [total_conv * e / s for e in effects]
    val = [total_val * e / s for e in effects]
    return conv, val, p, without, effects


# ---------------------------------------------------------------- Shapley, brute force over orderings
def shapley_by_permutations(players, game):
    cache = {}

    def v(coalition):
        if coalition not in cache:
            cache[coalition] = game(coalition)
        return cache[coalition]

    phi = {i: 0.0 for i in players}
    perms = list(itertools.permutations(players))
    for order in perms:
        coalition = frozenset()
        for i in order:
            phi[i] += v(coalition | {i}) - v(coalition)
            coalition = coalition | {i}
    return {i: phi[i] / len(perms) for i in players}


def shapley_simplified(journeys, k):
    converting = [(frozenset(t[0] for t in j['touches']), j['value']) for j in journeys if j['converted']]
    players = sorted({g for s, _ in converting for g in s})
    v_conv = lambda S: float(sum(1 for s, _ in converting if s <= S))
    v_val = lambda S: float(sum(value for s, value in converting if s <= S))
    pc = shapley_by_permutations(players, v_conv)
    pv = shapley_by_permutations(players, v_val)
    return [pc.get(g, 0.0) for g in range(k)], [pv.get(g, 0.0) for g in range(k)]


def shapley_rate(journeys, k):
    stats = {}
    for j in journeys:
        s = frozenset(t[0] for t in j['touches'])
        n, c, v = stats.get(s, (0, 0, 0.0))
        stats[s] = (n + 1, c + (1 if j['converted'] else 0), v + (j['value'] if j['converted'] else 0.0))
    rate = lambda S: stats[S][1] / stats[S][0] if S in stats else 0.0
    value_rate = lambda S: stats[S][2] / stats[S][0] if S in stats else 0.0
    conv = [0.0] * k
    val = [0.0] * k
    for T, (n, c, _) in stats.items():
        if c == 0:
            continue
        members = sorted(T)
        pc = shapley_by_permutations(members, lambda S: rate(frozenset(S)))
        pv = shapley_by_permutations(members, lambda S: value_rate(frozenset(S)))
        for g in members:
            conv[g] += pc[g] * n
            val[g] += pv[g] * n
    return conv, val


# ---------------------------------------------------------------- all models for a case
RULES = ['firstTouch', 'lastTouch', 'lastNonDirect', 'linear', 'positionBased', 'timeDecay']


def expected(journeys, k, settings):
    out = {}
    for model in RULES:
        c, v = rule_credits(model, journeys, k, settings)
        out[model] = {'conversions': c, 'value': v}
    c, v, p, without, effects = markov(journeys, k)
    out['markov'] = {'conversions': c, 'value': v, 'conversionProbability': p, 'without': without, 'removalEffects': effects}
    c, v = shapley_simplified(journeys, k)
    out['shapley'] = {'conversions': c, 'value': v}
    c, v = shapley_rate(journeys, k)
    out['shapleyConversionRate'] = {'conversions': c, 'value': v}
    return out


def journey_case(name, groups, direct, journeys, settings=None):
    settings = settings or {'positionFirst': 0.4, 'positionLast': 0.4, 'halfLifeDays': 7}
    k = len(groups)
    for j in journeys:
        j['touches'] = [[g, t, g in direct] for g, t in j['touches']]
    return {'name': name, 'groups': groups, 'settings': settings, 'journeys': journeys, 'expected': expected(journeys, k, settings)}


def hand_case():
    # A > B converts (100), A does not, B converts (50), C > A > B converts (30), Direct > C converts (20).
    A, B, C, D = 0, 1, 2, 3
    t = lambda days: T0 + int(days * DAY)
    return journey_case('hand', ['A', 'B', 'C', 'Direct'], {D}, [
        {'touches': [(A, t(0)), (B, t(3))], 'converted': True, 'value': 100.0, 'conversionTime': t(4)},
        {'touches': [(A, t(1))], 'converted': False, 'value': 0.0, 'conversionTime': None},
        {'touches': [(B, t(2))], 'converted': True, 'value': 50.0, 'conversionTime': t(2.5)},
        {'touches': [(C, t(0)), (A, t(7)), (B, t(13))], 'converted': True, 'value': 30.0, 'conversionTime': t(14)},
        {'touches': [(D, t(5)), (C, t(6))], 'converted': True, 'value': 20.0, 'conversionTime': t(6)},
        {'touches': [(D, t(1)), (D, t(2))], 'converted': False, 'value': 0.0, 'conversionTime': None},
    ])


def random_case(name, seed, k, n, direct_index=None, max_len=6):
    rng = np.random.default_rng(seed)
    strength = rng.uniform(0.02, 0.25, size=k)
    journeys = []
    for _ in range(n):
        length = int(rng.integers(1, max_len + 1))
        start = T0 + int(rng.integers(0, 20 * DAY))
        times = sorted(start + int(x) for x in rng.integers(0, 10 * DAY, size=length))
        touches = [(int(rng.integers(0, k)), tt) for tt in times]
        p = 1 - np.prod([1 - strength[g] for g, _ in touches])
        converted = bool(rng.random() < p)
        value = float(round(rng.uniform(5, 200), 2)) if converted else 0.0
        conversion_time = times[-1] + int(rng.integers(0, 2 * DAY)) if converted else None
        journeys.append({'touches': touches, 'converted': converted, 'value': value, 'conversionTime': conversion_time})
    groups = [f'Channel {chr(65 + g)}' for g in range(k)]
    direct = set()
    if direct_index is not None:
        groups[direct_index] = 'Direct'
        direct = {direct_index}
    return journey_case(name, groups, direct, journeys, {'positionFirst': 0.3, 'positionLast': 0.5, 'halfLifeDays': 3})


def negative_rate_case():
    # Journeys with {A} convert 8 in 10; with {A, B} only 1 in 10: B lowers the rate.
    A, B = 0, 1
    journeys = []
    for i in range(10):
        journeys.append({'touches': [(A, T0 + i)], 'converted': i < 8, 'value': 10.0 if i < 8 else 0.0, 'conversionTime': T0 + i + 1 if i < 8 else None})
    for i in range(10):
        journeys.append({'touches': [(A, T0 + i), (B, T0 + i + 5)], 'converted': i < 1, 'value': 10.0 if i < 1 else 0.0, 'conversionTime': T0 + i + 9 if i < 1 else None})
    for i in range(4):
        journeys.append({'touches': [(B, T0 + i)], 'converted': i < 1, 'value': 10.0 if i < 1 else 0.0, 'conversionTime': T0 + i + 9 if i < 1 else None})
    return journey_case('negativeRate', ['A', 'B'], set(), journeys)


# ---------------------------------------------------------------- journeys from events
def events_case():
    """Events of several users; journeys built by the definition, then every model on them."""
    t = lambda days: T0 + int(round(days * DAY))
    # (user, day, type, channel, value)
    events = [
        # u1: Email, Search, purchase 120; then Social (after the last conversion: non-converting)
        ('u1', 0, 'page', 'Email', None), ('u1', 2, 'page', 'Paid Search', None), ('u1', 3, 'purchase', None, 120),
        ('u1', 10, 'page', 'Organic Social', None),
        # u2: Display 40 days before (outside 30 days), Direct, Email, purchase 80; Email, purchase 30 (second journey)
        ('u2', 0, 'page', 'Display', None), ('u2', 39, 'page', 'Direct', None), ('u2', 40, 'page', 'Email', None),
        ('u2', 40, 'purchase', None, 80), ('u2', 45, 'page', 'Email', None), ('u2', 46, 'conversion', None, 30),
        # u3: a purchase with no touch, then Paid Search, Paid Search (repeat), purchase 60 at the same instant as the last touch
        ('u3', 1, 'purchase', None, 15), ('u3', 2, 'page', 'Paid Search', None), ('u3', 2.5, 'page', 'Paid Search', None),
        ('u3', 2.5, 'purchase', None, 60),
        # u4: never converts
        ('u4', 3, 'page', 'Direct', None), ('u4', 4, 'page', 'Organic Social', None),
        # u5: Direct only, converts (last non-direct falls back to Direct)
        ('u5', 5, 'page', 'Direct', None), ('u5', 5.5, 'purchase', None, 10),
    ]
    # Events are given out of order, as a batch might be: sorted again by user and time.
    order = [3, 0, 17, 2, 1, 5, 4, 6, 7, 9, 8, 10, 12, 11, 13, 14, 15, 16]
    shuffled = [events[i] for i in order]
    channels = sorted({e[3] for e in events if e[3]})
    lookback = 30 * DAY
    users = {}
    for idx, (u, day, typ, ch, val) in enumerate(shuffled):
        users.setdefault(u, []).append((t(day), idx, typ, ch, val))
    journeys = []
    outside = 0
    without = 0
    for u in sorted(users, key=lambda u: min(i for _, i, *_ in users[u])):
        evs = sorted(users[u])  # by time, then input position
        pending = []
        for time, idx, typ, ch, val in evs:
            if typ in ('purchase', 'conversion'):
                kept = [p for p in pending if time - p[0] <= lookback]
                outside += len(pending) - len(kept)
                if kept:
                    journeys.append({'touches': [(channels.index(p[1]), p[0]) for p in kept], 'converted': True,
                                     'value': float(val), 'conversionTime': time, 'user': u})
                else:
                    without += 1
                pending = []
            else:
                pending.append((time, ch))
        if pending:
            journeys.append({'touches': [(channels.index(p[1]), p[0]) for p in pending], 'converted': False,
                             'value': 0.0, 'conversionTime': None, 'user': u})
    direct = {channels.index('Direct')}
    case = journey_case('events', channels, direct, journeys)
    case['events'] = [{'userId': u, 'timestamp': t(day), 'eventType': typ, 'channel': ch, 'value': val} for u, day, typ, ch, val in shuffled]
    case['lookbackDays'] = 30
    case['touchesOutsideWindow'] = outside
    case['conversionsWithoutTouches'] = without
    return case


def main():
    cases = [hand_case(), random_case('random6', 7, 6, 400, direct_index=5), random_case('random9', 11, 9, 800, direct_index=0, max_len=5),
             negative_rate_case(), events_case()]
    out = {'generatedBy': 'test/reference/attribution_reference.py', 'numpy': np.__version__, 'cases': cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'attribution-reference.json')
    with open(path, 'w') as fh:
        json.dump(out, fh, separators=(',', ':'))
        fh.write('\n')
    for case in cases:
        e = case['expected']
        print(case['name'], 'markov P =', round(e['markov']['conversionProbability'], 6),
              'shapley =', [round(x, 4) for x in e['shapley']['conversions']])


if __name__ == '__main__':
    main()
