"""Plots written to PNG/SVG with matplotlib (Agg: no display needed)."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

STATUS_STYLE = {
    "achieved": {"marker": "o", "linestyle": "-", "fillstyle": "full", "label": "achieved"},
    "record": {"marker": "*", "linestyle": "none", "fillstyle": "full", "label": "record"},
    "target": {"marker": "D", "linestyle": "none", "fillstyle": "none", "label": "target / goal"},
    "pace": {"marker": "^", "linestyle": "none", "fillstyle": "none", "label": "pace / forecast"},
    "forecast": {"marker": "^", "linestyle": "none", "fillstyle": "none", "label": "pace / forecast"},
}


PLOT_FORMATS = (".png", ".svg", ".pdf")


def check_plot_path(out: Any, fmt: str | None = None) -> None:
    """A plot file name must say PNG, SVG or PDF and its folder must exist (InputError otherwise)."""
    if fmt is not None or not isinstance(out, (str, Path)):
        return
    from .errors import InputError

    p = Path(out)
    if p.suffix.lower() not in PLOT_FORMATS:
        raise InputError(f"{p}: a plot is written as {', '.join(PLOT_FORMATS)}; give the file one of these endings")
    if not p.parent.is_dir():
        raise InputError(f"{p}: folder {p.parent} does not exist")


def claims_plot(rows: list[dict[str, Any]], out: Any, title: str = "Claims over time", fmt: str | None = None) -> Any:
    """One series per unit; x = the period the figure refers to (else the article's date)."""
    check_plot_path(out, fmt)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    units = sorted({r["unit"] for r in rows if r.get("value") is not None})
    unit = "USD" if "USD" in units else (units[0] if units else "")
    pts = [r for r in rows if r.get("unit") == unit and r.get("value") is not None]
    scale, label = (1e9, f"{unit} billion") if unit in ("USD", "EUR", "CNY", "RUB", "GBP") else (1, unit)
    for status, style in STATUS_STYLE.items():
        sel = sorted((r for r in pts if r["status"] == status), key=lambda r: _x(r))
        if not sel:
            continue
        # matplotlib converts dates itself (its date units); its stubs accept only numbers
        xs: list[Any] = [_x(r) for r in sel]
        ys = [r["value"] / scale for r in sel]
        ax.plot(xs, ys, marker=style["marker"], linestyle=style["linestyle"], fillstyle=style["fillstyle"],
                markersize=9, label=style["label"])
        for xv, yv, r in zip(xs, ys, sel, strict=False):
            ax.annotate(r["text"], (xv, yv), textcoords="offset points", xytext=(6, 6), fontsize=8)
    ax.set_xlabel("period the figure refers to")
    ax.set_ylabel(label)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if pts:
        ax.legend(loc="upper left")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(out, format=fmt)
    plt.close(fig)
    return fig


def _x(r: dict[str, Any]) -> date:
    return r.get("period_end") or r.get("period_start") or r.get("published") or date(1970, 1, 1)


def timeline_plot(series: list[dict[str, Any]], stories: list[dict[str, Any]], out: Any,
                  title: str, fmt: str | None = None) -> Any:
    """Monthly events per quad class (stacked bars), mean intensity (line, right axis), stories
    marked as labelled vertical lines."""
    check_plot_path(out, fmt)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    names = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
    colours = {1: "#6baed6", 2: "#2171b5", 3: "#fd8d3c", 4: "#d94801"}
    months = sorted({r["month"] for r in series})
    fig, ax = plt.subplots(figsize=(11, 5), dpi=110)
    bottom = [0] * len(months)
    width = 25
    for q in (1, 2, 3, 4):
        vals = [sum(r["n"] for r in series if r["month"] == m and r["quad_class"] == q) for m in months]
        if any(vals):
            ax.bar(months, vals, width=width, bottom=bottom, color=colours[q], label=names[q])
            bottom = [b + v for b, v in zip(bottom, vals, strict=False)]
    ax.set_ylabel("events per month")
    ax.set_xlabel("month")
    ax2 = ax.twinx()
    if months:
        inten = []
        for m in months:
            rs = [r for r in series if r["month"] == m]
            n = sum(r["n"] for r in rs)
            inten.append(sum(r["mean_intensity"] * r["n"] for r in rs) / n if n else 0)
        ax2.plot(months, inten, color="black", marker="o", linewidth=1, label="mean intensity")
    ax2.set_ylabel("mean intensity (-10 conflict … +10 cooperation)")
    ax2.set_ylim(-10, 10)
    top = max(bottom) if bottom else 1
    for s in stories:
        ax.axvline(s["date"], color="grey", linestyle="--", linewidth=0.8)
        ax.annotate(f"{s['date']}: {s['kind']}", (s["date"], top), rotation=90, fontsize=7, va="top", ha="right")
    if months:
        from datetime import timedelta

        ax.set_xlim(min(months) - timedelta(days=45), max(months) + timedelta(days=45))
    loc = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=8)
    ax.set_title(title)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(out, format=fmt)
    plt.close(fig)
    return fig
