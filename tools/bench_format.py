"""How the benchmark report prints numbers and names contenders (tools/bench_report.py, and the
axes and legends of tools/bench_charts.py).

Figures carry three significant digits in the largest unit that keeps them at 1 or more:
fmt(11.7e6, RATE_UNITS) is '11.7 M/s'; fmt_spread((med, lo, hi), units) is '11.7 M/s [11.2–12.0]'.
"""

import math

TIME_UNITS = [(1e9, "s"), (1e6, "ms"), (1e3, "µs"), (1.0, "ns")]
RATE_UNITS = [(1e6, "M/s"), (1e3, "k/s"), (1.0, "/s")]
BYTE_UNITS = [(1024.0, "KiB"), (1.0, "B")]
COUNT_UNITS = [(1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, "")]

# The real-time contenders, as tables and legends name them.
LABELS = {
    "nanosleep_slack1": "clock_nanosleep, slack 1 ns (floor)",
    "nanosleep_default": "clock_nanosleep, default slack",
    "timerfd": "timerfd",
    "asio": "asio steady_timer",
    "asio_relative": "asio expires_after loop",
    "asio_absolute": "asio expires_at(origin + k·period)",
    "clockwork_delay": "clockwork delay_until",
    "clockwork_periodic": "clockwork periodic_timer",
}


def sig(x, digits=3):
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    magnitude = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - magnitude)
    return f"{x:.{decimals}f}"


def pick_unit(value, units):
    for scale, suffix in units:
        if abs(value) >= scale:
            return scale, suffix
    return units[-1]


def fmt(value, units):
    if value is None:
        return "—"
    scale, suffix = pick_unit(value, units)
    return f"{sig(value / scale)} {suffix}"


def fmt_spread(triple, units):
    """'11.7 M/s [11.2–12.0]': the median, then min–max in the median's unit."""
    if triple is None:
        return "—"
    med, lo, hi = triple
    scale, suffix = pick_unit(med, units)
    if lo == hi == med:
        return f"{sig(med / scale)} {suffix}"
    return f"{sig(med / scale)} {suffix} [{sig(lo / scale)}–{sig(hi / scale)}]"


def fmt_count(x):
    """An exact count with thousands separators: '9,534,820'."""
    return "—" if x is None else f"{int(round(x)):,}"


def fmt_ratio(x):
    if x is None:
        return "—"
    return f"{sig(x)}×"


def ns_label(v):
    """An axis label for a duration in ns: '100 µs', '1 ms', '2.5 s'."""
    scale, suffix = pick_unit(v, TIME_UNITS)
    return f"{sig(v / scale, 1) if v / scale < 10 else int(round(v / scale))} {suffix}"
