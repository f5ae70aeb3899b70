"""The benchmark report's two figures, drawn with Debian's matplotlib (python3-matplotlib).

Each figure has two halves: its data, condensed from the raw samples that tools/bench.sh saved
(lateness_chart, drift_chart: plain dicts that go into the report's data document, so that the
figures can be drawn again without running the benchmarks), and the drawing of that data into an
SVG file (draw_lateness, draw_drift).

The SVG files are reproducible: the same data gives the same bytes (no date in the metadata, ids
derived from a fixed salt, glyphs drawn as paths from the same Debian font).
"""

import math
import os
import statistics

from bench_format import LABELS, ns_label

try:
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, NullLocator
except ImportError:  # the report says what to install (available() below)
    matplotlib = None

PALETTE = {
    "nanosleep_slack1": "#1f77b4",
    "nanosleep_default": "#9ecae1",
    "timerfd": "#2ca02c",
    "asio": "#ff7f0e",
    "asio_relative": "#ff7f0e",
    "asio_absolute": "#8c564b",
    "clockwork_delay": "#d62728",
    "clockwork_periodic": "#9467bd",
}
# Baselines that coincide with a clockwork line are dashed so that both stay visible.
DASHED = {"asio_relative": (0, (7, 5)), "asio_absolute": (0, (7, 5))}

# Points drawn per curve: enough for a smooth line, few enough for a small file.
LATENESS_POINTS = 700
DRIFT_POINTS = 600

# Figures are laid out in pixels of a 900 × 440 canvas at 72 dpi, where a point is a pixel.
WIDTH, HEIGHT, DPI = 900, 440, 72
STYLE = {
    "svg.hashsalt": "clockwork-bench",  # fixed ids for clip paths and glyphs
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "lines.scale_dashes": False,
    "axes.unicode_minus": True,
    "text.color": "#222222",
    "xtick.color": "#222222",
    "ytick.color": "#222222",
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "axes.labelsize": 12,
}


def available():
    return matplotlib is not None


# ---------------------------------------------------------------------------------------------
# Data


def read_lateness(samples_dir, names):
    """Every tick's lateness in ns, per contender (all repetitions): samples/lateness_<name>.txt."""
    out = {}
    for n in names:
        p = os.path.join(samples_dir, f"lateness_{n}.txt")
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                out[n] = [float(line) for line in f if line.strip()]
    return out


def read_drift(samples_dir, names):
    """Median drift per tick over the repetitions (each repetition restarts at its first tick):
    samples/drift_<name>.txt, lines 'tick drift_ns'."""
    out = {}
    for n in names:
        p = os.path.join(samples_dir, f"drift_{n}.txt")
        if not os.path.exists(p):
            continue
        runs, current, last_tick = [], [], None
        with open(p, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                k, v = line.split()
                k, v = int(k), float(v)
                if last_tick is not None and k <= last_tick:
                    runs.append(current)
                    current = []
                current.append((k, v))
                last_tick = k
        if current:
            runs.append(current)
        length = min(len(r) for r in runs)
        out[n] = [(runs[0][i][0], statistics.median(r[i][1] for r in runs)) for i in range(length)]
    return out


def lateness_chart(samples, names, period_ns):
    """The lateness distribution of each contender as [lateness_ns, nines] points, where nines is
    log10(n / (n - i)) for the i-th smallest of n ticks: 1 at p90, 2 at p99, 3 at p99.9... The
    points are spread evenly over that scale, so the tail keeps as many as the body; the smallest
    and the largest tick are always among them. None without samples."""
    series = {}
    for name in names:
        values = sorted(samples.get(name) or [])
        n = len(values)
        if n == 0:
            continue
        top = math.log10(n)
        idx = sorted({min(n - 1, int(n * (1.0 - 10 ** (-top * j / LATENESS_POINTS)))) for j in range(LATENESS_POINTS + 1)})
        series[name] = {"ticks": n, "points": [[round(values[i], 1), round(math.log10(n / (n - i)), 6)] for i in idx]}
    if not series:
        return None
    return {"period_ns": period_ns, "order": [n for n in names if n in series], "series": series}


def drift_chart(series_by_name, names, ticks, work_us, period_ns):
    """Each contender's median drift over the ticks as [tick, drift_ns] points, thinned to about
    DRIFT_POINTS (the last tick kept), with the largest |drift| of the whole series, which sets the
    axis. None without samples."""
    series = {}
    for name in names:
        points = series_by_name.get(name)
        if not points:
            continue
        step = max(1, len(points) // DRIFT_POINTS)
        kept = points[::step] + ([points[-1]] if (len(points) - 1) % step else [])
        series[name] = {"max_abs_ns": round(max(abs(v) for _, v in points), 1), "points": [[k, round(v, 1)] for k, v in kept]}
    if not series:
        return None
    return {"ticks": ticks, "work_us": work_us, "period_ns": period_ns, "order": [n for n in names if n in series],
            "series": series}


# ---------------------------------------------------------------------------------------------
# Drawing


def decades(lo, hi):
    v = lo
    out = []
    while v <= hi * 1.0001:
        out.append(v)
        v *= 10
    return out


def _figure():
    return Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="#ffffff")


def _axes(fig, left, top, width, height):
    """A plot area placed in pixels from the top left, with the frame on the left and bottom."""
    ax = fig.add_axes([left / WIDTH, 1 - (top + height) / HEIGHT, width / WIDTH, height / HEIGHT])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#333333")
    ax.tick_params(length=0, pad=6)
    ax.set_axisbelow(True)
    ax.grid(True, color="#e3e3e3", linewidth=1.0)
    return ax


def _title(fig, left, text):
    fig.text(left / WIDTH, 1 - 22 / HEIGHT, text, fontsize=14, fontweight="bold", va="baseline")


def _legend(fig, names, left=640, top=60):
    handles = [Line2D([], [], color=PALETTE.get(n, "#444444"), linewidth=3, linestyle=DASHED.get(n, "solid")) for n in names]
    # An entry every 20 px, the first centred on `top`.
    fig.legend(handles, [LABELS.get(n, n) for n in names], loc="upper left", bbox_to_anchor=(left / WIDTH, 1 - (top - 6) / HEIGHT),
               frameon=False, fontsize=11, handlelength=2.0, handletextpad=0.6, labelspacing=0.84, borderaxespad=0, borderpad=0)


def _save(fig, path):
    # No date and no software version in an SVG: the same data gives the same bytes. (A PNG is
    # for looking at the figure, never committed.)
    svg = not path.endswith(".png")
    fig.savefig(path, format="svg" if svg else "png", metadata={"Date": None, "Creator": None} if svg else None)


def draw_lateness(chart, path):
    """Lateness (log x) against percentile, on a scale that gives each 'nine' (p90, p99, p99.9...)
    the same height so that the tail is visible. The top of the scale is the slowest tick of the
    contender with the fewest ticks."""
    names = [n for n in chart["order"] if chart["series"].get(n)]
    if not names:
        return False
    series = chart["series"]
    values = [v for n in names for v, _ in series[n]["points"] if v > 0]
    lo = 10 ** math.floor(math.log10(max(100.0, min(values))))
    hi = 10 ** math.ceil(math.log10(max(values)))
    n_min = min(series[n]["ticks"] for n in names)
    nines = math.log10(n_min)
    with matplotlib.rc_context(STYLE):
        fig = _figure()
        ax = _axes(fig, 60, 40, 560, 340)
        _title(fig, 60, f"Wake-up lateness for a {ns_label(chart['period_ns'])} period, per contender "
                        "(all ticks of all repetitions)")
        ax.set_xscale("log")
        ax.set_xlim(lo, hi)
        ax.set_ylim(0.0, nines)
        ticks = decades(lo, hi)
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticklabels([ns_label(v) for v in ticks])
        levels = [(math.log10(1.0 / (1.0 - f)), label)
                  for f, label in ((0.0, "p0"), (0.5, "p50"), (0.9, "p90"), (0.99, "p99"), (0.999, "p99.9"), (0.9999, "p99.99"))]
        levels = [(t, label) for t, label in levels if t <= nines]
        ax.set_yticks([t for t, _ in levels])
        ax.set_yticklabels([label for _, label in levels])
        ax.axhline(2.0, color="#c8c8c8", linewidth=1.0, linestyle=(0, (4, 3)), zorder=1)  # p99, the figure that matters
        ax.set_xlabel("lateness (wake-up instant − deadline), log scale")
        ax.set_ylabel("percentile of ticks")
        for name in names:
            points = series[name]["points"]
            ax.plot([max(v, lo) for v, _ in points], [min(nines, t) for _, t in points], color=PALETTE.get(name, "#444444"),
                    linewidth=1.6, linestyle=DASHED.get(name, "solid"), solid_joinstyle="round", clip_on=False)
        _legend(fig, names)
        below = 60 + 20 * len(names) + 14  # under the legend
        for k, line in enumerate((f"{n_min:,} ticks per contender; the top", "of the scale is the slowest tick")):
            fig.text(640 / WIDTH, 1 - (below + 14 * k) / HEIGHT, line, fontsize=10, color="#555555", va="baseline")
        _save(fig, path)
    return True


def draw_drift(chart, path):
    """Drift over the ticks per contender (median over the repetitions), log y axis; drift of
    1 µs or less is drawn at 1 µs."""
    names = [n for n in chart["order"] if chart["series"].get(n)]
    if not names:
        return False
    series = chart["series"]
    ticks = chart["ticks"]
    floor_ns = 1e3
    top_value = max(series[n]["max_abs_ns"] for n in names)
    hi = 10 ** math.ceil(math.log10(max(top_value, floor_ns * 10)))
    with matplotlib.rc_context(STYLE):
        fig = _figure()
        ax = _axes(fig, 70, 40, 550, 340)
        _title(fig, 70, f"Drift over {ticks:,} ticks of {ns_label(chart['period_ns'])} with {chart['work_us']} µs of busy "
                        "work per tick")
        ax.set_xlim(0, ticks)
        ax.set_yscale("log")
        ax.set_ylim(floor_ns, hi)
        xs = list(range(0, ticks + 1, max(1, ticks // 5)))
        ax.set_xticks(xs)
        ax.set_xticklabels([f"{k:,}" for k in xs])
        ys = decades(floor_ns, hi)
        ax.yaxis.set_major_locator(FixedLocator(ys))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_yticklabels([ns_label(v) for v in ys])
        ax.set_xlabel("tick")
        ax.set_ylabel("drift (log scale; ≤ 1 µs drawn at 1 µs)")
        for name in names:
            points = series[name]["points"]
            ax.plot([k for k, _ in points], [max(abs(v), floor_ns) for _, v in points], color=PALETTE.get(name, "#444444"),
                    linewidth=1.6, linestyle=DASHED.get(name, "solid"), solid_joinstyle="round")
        _legend(fig, names)
        _save(fig, path)
    return True
