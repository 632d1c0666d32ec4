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


def claims_plot(rows: list[dict[str, Any]], out: str | Path, title: str = "Claims over time") -> Any:
    """One series per unit; x = the period the figure refers to (else the article's date)."""
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
        xs, ys = [_x(r) for r in sel], [r["value"] / scale for r in sel]
        ax.plot(xs, ys, marker=style["marker"], linestyle=style["linestyle"], fillstyle=style["fillstyle"],
                markersize=9, label=style["label"])
        for xv, yv, r in zip(xs, ys, sel):
            ax.annotate(r["text"], (xv, yv), textcoords="offset points", xytext=(6, 6), fontsize=8)
    ax.set_xlabel("period the figure refers to")
    ax.set_ylabel(label)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if pts:
        ax.legend(loc="upper left")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return fig


def _x(r: dict[str, Any]) -> date:
    return r.get("period_end") or r.get("period_start") or r.get("published") or date(1970, 1, 1)
