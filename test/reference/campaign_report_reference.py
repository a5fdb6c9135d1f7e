#!/usr/bin/env python3
"""Independent reference values for the Campaign Report engine (nodes/CampaignReport/engine).

Written from the definitions in nodes/CampaignReport/engine/README.md, never from the TypeScript:
- the rows are generated here (seeded numpy) and stored in the JSON, so both sides read the same data;
- sums with plain Python loops over the rows, per window (datetime.date arithmetic for the periods);
- KPIs as ratios of sums, None on a zero denominator;
- pacing: projected = spend / elapsed * period days;
- pacing: elapsed = 9 days + the 13 hours of 10 March gone at the as-of moment;
- anomalies and the forecast on complete days only (to 9 March);
- anomaly bands: numpy.median, MAD scaled by 1.4826 (scaled mean absolute deviation when 0),
  weekday factors from the 56 days before when there are 56 days of history;
- forecast: numpy.polyfit (degree 1) and scipy.stats.t.ppf for the prediction interval of the sum.

Regenerate (Debian: apt-get install python3-numpy python3-scipy):
    python3 test/reference/campaign_report_reference.py
It writes test/reference/campaign-report-reference.json next to this file; commit both.
"""
import datetime as dt
import json
import math
import os

import numpy as np
from scipy import stats

rng = np.random.default_rng(20260310)
D = dt.date

AS_OF = '2026-03-10T12:00:00Z'  # 13:00 in Berlin: the as-of day is 10 March
PERIOD_START, PERIOD_END = D(2026, 3, 1), D(2026, 3, 31)
TO_DATE_END = D(2026, 3, 10)
PREV_START, PREV_END = D(2026, 2, 1), D(2026, 2, 10)
LY_START, LY_END = D(2025, 3, 1), D(2025, 3, 10)
FIRST_DAY = D(2025, 12, 1)

CAMPAIGNS = [  # channel, campaign, mean spend, roas, weekend factor
    ('Google Ads', 'Brand', 120.0, 4.0, 0.6),
    ('Google Ads', 'Generic', 80.0, 1.2, 1.0),
    ('Meta Ads', 'Prospecting', 60.0, 2.0, 1.4),
]

rows = []
day = FIRST_DAY
while day <= TO_DATE_END:
    weekend = day.weekday() >= 5
    for channel, campaign, mean, roas, wf in CAMPAIGNS:
        spend = round(float(mean * (wf if weekend else 1.0) * rng.uniform(0.85, 1.15)), 2)
        if channel == 'Google Ads' and campaign == 'Brand' and day == D(2026, 3, 7):
            spend = round(spend * 3.0, 2)  # the anomaly the report must find
        clicks = int(spend / rng.uniform(0.8, 1.2))
        impressions = int(clicks * rng.uniform(20, 40))
        conversions = int(round(clicks * rng.uniform(0.03, 0.07)))
        revenue = round(float(spend * roas * rng.uniform(0.8, 1.2)), 2)
        row = {'date': day.isoformat(), 'channel': channel, 'campaign': campaign, 'impressions': impressions,
               'clicks': clicks, 'spend': spend, 'conversions': conversions, 'revenue': revenue}
        if campaign == 'Brand':
            row['budget'] = 130  # a daily budget on the rows, as Amazon's campaignBudgetAmount
        rows.append(row)
    # Email: one newsletter a week (Tuesdays), counts on the day.
    if day.weekday() == 1:
        sent = int(rng.integers(9000, 11000))
        delivered = sent - int(rng.integers(200, 700))
        rows.append({'date': day.isoformat(), 'channel': 'Email', 'campaign': 'Newsletter', 'sent': sent,
                     'delivered': delivered, 'opened': int(delivered * rng.uniform(0.2, 0.3)),
                     'clicked': int(delivered * rng.uniform(0.02, 0.04)), 'bounced': sent - delivered,
                     'unsubscribed': int(rng.integers(5, 30))})
    day += dt.timedelta(days=1)
# Last year's March days, so the year-over-year comparison has data.
for d in range(1, 11):
    rows.append({'date': D(2025, 3, d).isoformat(), 'channel': 'Google Ads', 'campaign': 'Brand', 'impressions': 3000,
                 'clicks': 100, 'spend': 100.0, 'conversions': 4, 'revenue': 350.0, 'budget': 130})
# Bad rows: two unreadable dates, one spend that is not a number.
rows.append({'date': '2026-13-01', 'channel': 'Google Ads', 'campaign': 'Brand', 'spend': 5})
rows.append({'date': 'yesterday', 'channel': 'Meta Ads', 'campaign': 'Prospecting', 'spend': 5})
rows.append({'date': '2026-03-02', 'channel': 'Meta Ads', 'campaign': 'Prospecting', 'spend': 'n/a', 'clicks': 3})

METRICS = ['impressions', 'clicks', 'spend', 'conversions', 'revenue', 'sent', 'delivered', 'opened', 'clicked',
           'bounced', 'unsubscribed']


def day_of(text):
    try:
        return D.fromisoformat(text)
    except ValueError:
        return None


def num(v):
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def sums(select, start, end):
    out = {m: 0.0 for m in METRICS}
    for r in rows:
        d = day_of(r['date'])
        if d is None or not (start <= d <= end) or not select(r):
            continue
        for m in METRICS:
            v = num(r.get(m))
            if v is not None:
                out[m] += v
    return out


def ratio(a, b):
    return None if b == 0 else a / b


def kpis(s):
    return {
        'ctr': ratio(s['clicks'], s['impressions']), 'cpc': ratio(s['spend'], s['clicks']),
        'cpa': ratio(s['spend'], s['conversions']), 'roas': ratio(s['revenue'], s['spend']),
        'acos': ratio(s['spend'], s['revenue']), 'roi': ratio(s['revenue'] - s['spend'], s['spend']),
        'conversionRate': ratio(s['conversions'], s['clicks']), 'openRate': ratio(s['opened'], s['delivered']),
        'clickRate': ratio(s['clicked'], s['delivered']), 'bounceRate': ratio(s['bounced'], s['sent']),
        'unsubscribeRate': ratio(s['unsubscribed'], s['delivered']),
    }


SELECTORS = {
    'total': lambda r: True,
    'Google Ads': lambda r: r['channel'] == 'Google Ads',
    'Meta Ads': lambda r: r['channel'] == 'Meta Ads',
    'Email': lambda r: r['channel'] == 'Email',
    'Google Ads / Brand': lambda r: r['channel'] == 'Google Ads' and r['campaign'] == 'Brand',
    'Google Ads / Generic': lambda r: r['channel'] == 'Google Ads' and r['campaign'] == 'Generic',
}
groups = {}
for name, select in SELECTORS.items():
    now = sums(select, PERIOD_START, TO_DATE_END)
    prev = sums(select, PREV_START, PREV_END)
    ly = sums(select, LY_START, LY_END)
    groups[name] = {'metrics': now, 'kpis': kpis(now), 'previous': prev, 'previousKpis': kpis(prev), 'lastYear': ly,
                    'lastYearKpis': kpis(ly)}

# Pacing: Brand has 130 a day on its rows (31 days), Meta Ads 2,000 for the month from the settings.
# The report is made at 13:00 on 10 March (Berlin), with rows for that day already in: 9 days and
# 13 hours of the month are gone, and 10 March is not a complete day yet.
PERIOD_DAYS = 31
ELAPSED = 9 + 13 / 24
LAST_COMPLETE = D(2026, 3, 9)
pacing = {}
for name, budget in [('Google Ads / Brand', 130 * 31), ('Google Ads', 130 * 31), ('Meta Ads', 2000), ('total', 130 * 31 + 2000)]:
    spend = groups[name]['metrics']['spend']
    pacing[name] = {'budget': budget, 'spendToDate': spend, 'expectedToDate': budget * ELAPSED / PERIOD_DAYS,
                    'projectedSpend': spend / ELAPSED * PERIOD_DAYS}

# Days Brand spent more than 120% of its 130 daily budget.
brand_days = sorted({r['date'] for r in rows if r['channel'] == 'Google Ads' and r['campaign'] == 'Brand'
                     and day_of(r['date']) and PERIOD_START <= day_of(r['date']) <= TO_DATE_END
                     and num(r.get('spend')) is not None and num(r['spend']) > 130 * 1.2})


def daily(select, metric):
    """The daily series from FIRST_DAY to TO_DATE_END (zeros on days without rows)."""
    n = (TO_DATE_END - FIRST_DAY).days + 1
    out = np.zeros(n)
    for r in rows:
        d = day_of(r['date'])
        if d is None or not (FIRST_DAY <= d <= TO_DATE_END) or not select(r):
            continue
        v = num(r.get(metric))
        if v is not None:
            out[(d - FIRST_DAY).days] += v
    return out


def band(series, i, k=3.0, window=28):
    """The robust band for day i, from the days before it."""
    hist = series[max(0, i - window):i]
    factors = None
    if i >= 56:
        last = series[i - 56:i]
        days = [FIRST_DAY + dt.timedelta(days=j) for j in range(i - 56, i)]
        overall = np.median(last)
        if overall > 0:
            f = [np.median([v for v, d in zip(last, days) if d.weekday() == w]) / overall for w in range(7)]
            if all(x > 0 for x in f):
                factors = f
    if factors:
        hist = np.array([series[j] / factors[(FIRST_DAY + dt.timedelta(days=j)).weekday()] for j in range(max(0, i - window), i)])
    med = float(np.median(hist))
    dev = np.abs(hist - med)
    mad = 1.4826 * float(np.median(dev))
    if mad == 0:
        mad = 1.2533 * float(np.mean(dev))
    fac = factors[(FIRST_DAY + dt.timedelta(days=i)).weekday()] if factors else 1.0
    return (med - k * mad) * fac, (med + k * mad) * fac, bool(factors)


anomalies = []
for name in ['total', 'Google Ads', 'Meta Ads']:
    for metric in ['spend', 'conversions', 'revenue']:
        s = daily(SELECTORS[name], metric)
        for d in range((PERIOD_START - FIRST_DAY).days, (LAST_COMPLETE - FIRST_DAY).days + 1):
            low, high, seasonal = band(s, d)
            if s[d] < low or s[d] > high:
                anomalies.append({'series': name, 'metric': metric, 'date': (FIRST_DAY + dt.timedelta(days=d)).isoformat(),
                                  'value': float(s[d]), 'low': low, 'high': high, 'seasonal': seasonal})


def forecast(values, h, level=0.95):
    n = len(values)
    t = np.arange(n, dtype=float)
    slope, intercept = np.polyfit(t, values, 1)
    resid = values - (intercept + slope * t)
    s = math.sqrt(float(resid @ resid) / (n - 2))
    future = np.arange(n, n + h, dtype=float)
    total = float(np.sum(intercept + slope * future))
    sxx = float(np.sum((t - t.mean()) ** 2))
    half = stats.t.ppf(1 - (1 - level) / 2, n - 2) * s * math.sqrt(h + h * h / n + float(np.sum(future - t.mean())) ** 2 / sxx)
    return {'value': max(0.0, total), 'low': max(0.0, total - half), 'high': max(0.0, total + half), 'slopePerDay': float(slope)}


forecasts = {}
for name in ['total', 'Google Ads', 'Meta Ads']:
    forecasts[name] = {}
    for metric in ['spend', 'conversions', 'revenue']:
        s = daily(SELECTORS[name], metric)[:(LAST_COMPLETE - FIRST_DAY).days + 1][-28:]
        forecasts[name][metric] = {str(h): forecast(s, h) for h in (7, 30)}

out = {
    'asOf': AS_OF,
    'timeZone': 'Europe/Berlin',
    'rows': rows,
    'groups': groups,
    'pacing': pacing,
    'brandDailyOverspendDays': brand_days,
    'anomalies': anomalies,
    'forecasts': forecasts,
    'badDates': [i for i, r in enumerate(rows) if day_of(r['date']) is None],
    'badSpend': [i for i, r in enumerate(rows) if 'spend' in r and num(r['spend']) is None],
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'campaign-report-reference.json')
with open(path, 'w') as fh:
    json.dump(out, fh, indent=1)
print(f'wrote {path}: {len(rows)} rows, {len(anomalies)} anomalies')
