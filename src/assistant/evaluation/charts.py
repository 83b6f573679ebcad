"""The report's charts as PNG bytes (matplotlib's object API with the Agg canvas: no pyplot state)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from assistant.evaluation.metrics import nearest_rank_percentile


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    # No "Software" text chunk: the report must not carry outside URLs, even inside images.
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def pass_rate_chart(by_program: dict[str, dict[str, Any]], baseline: dict[str, dict[str, Any]] | None = None) -> bytes:
    """Horizontal bars: pass rate per program (with the baseline's beside it when given)."""
    names = sorted(by_program)
    figure = _figure(7.5, max(2.0, 0.45 * len(names) + 1.2))
    axes = figure.add_subplot()
    positions = list(range(len(names)))
    current = [100 * (by_program[name].get("pass_rate") or 0.0) for name in names]
    height = 0.38 if baseline else 0.7
    if baseline:
        before = [100 * ((baseline.get(name) or {}).get("pass_rate") or 0.0) for name in names]
        axes.barh([p + height for p in positions], before, height=height, color="#b0b0b0", label="baseline")
    axes.barh(positions, current, height=height, color="#2a7ab0", label="sekarang")
    for position, value, name in zip(positions, current, names, strict=True):
        axes.text(min(value + 1, 101), position, f"{value:.0f}% (n={by_program[name]['cases']})", va="center", fontsize=8)
    axes.set_yticks([p + (height / 2 if baseline else 0) for p in positions], labels=names)
    axes.invert_yaxis()
    axes.set_xlim(0, 118)
    axes.set_xlabel("kasus lulus (%)")
    axes.set_title("Tingkat kelulusan per program")
    if baseline:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return _png(figure)


def latency_chart(latencies_ms: Sequence[float]) -> bytes:
    """Histogram of per-case latency with the p50 and p95 marked."""
    from matplotlib.ticker import MaxNLocator

    figure = _figure(7.5, 3.2)
    axes = figure.add_subplot()
    if latencies_ms:
        axes.hist(latencies_ms, bins=min(30, max(5, len(latencies_ms) // 3)), color="#2a7ab0")
        for p, style in ((50, "--"), (95, ":")):
            value = nearest_rank_percentile(latencies_ms, p)
            axes.axvline(value, color="#c0392b", linestyle=style, label=f"p{p} = {value:.0f} ms")
        axes.legend(fontsize=8)
    else:
        axes.text(0.5, 0.5, "tidak ada data latensi", ha="center", va="center", transform=axes.transAxes)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("latensi per kasus (ms)")
    axes.set_ylabel("jumlah kasus")
    axes.set_title("Sebaran latensi")
    return _png(figure)
