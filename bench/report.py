"""Turns the JSON lines of one `make bench` run into bench/results/:
results.json (everything), results.md (the tables, ratios and checks) and
latency.svg (a bar chart of p50 per client and call).

    python3 report.py <runs.jsonl> <out_dir>

Each latency line is {client, op, round, calls, p50_us, p99_us, calls_per_s};
the checks' pairs, run side by side taking turns (bench/pair.py), add
{kind: "pair", pair: "A B"}; cold starts are {kind: "cold", ...}; RSS lines
come from the soak.

A latency check is the median over the pair's rounds of A's p50 over B's,
with the rounds' range: the two ran in the same seconds, whereas the main
table's clients ran minutes apart, and this machine's drift moves one
process's p50 by 15-25% from one second to the next.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

OPS = ("oauth_url", "create_instance")
ORDER = [
    ("wrk", "wrk (the limit)"),
    ("ureq", "raw ureq 3 (the core's HTTP stack)"),
    ("core", "elements-auth Rust core"),
    ("c-ea", "elements-auth C"),
    ("c-curl", "C libcurl"),
    ("py-ea", "elements-auth Python"),
    ("py-ea-async", "elements-auth Python, async"),
    ("py-http.client", "Python http.client"),
    ("py-requests", "Python requests.Session"),
    ("py-httpx", "Python httpx.Client"),
    ("node-ea-sync", "elements-auth Node, sync"),
    ("node-ea-promise", "elements-auth Node, Promise"),
    ("node-node:http", "Node node:http keep-alive Agent"),
    ("node-fetch", "Node fetch (undici)"),
]


def load(path: str) -> list[dict]:
    return [json.loads(line) for line in open(path) if line.strip()]


def by_client(rows: list[dict]) -> dict[tuple[str, str], list[dict]]:
    out: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if "p50_us" in r and r.get("kind") != "pair":
            out.setdefault((r["client"], r["op"]), []).append(r)
    return out


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def spread(rows: list[dict], key: str) -> str:
    values = [r[key] for r in rows]
    return f"{min(values):.0f}–{max(values):.0f}"


def svg(stats: dict[tuple[str, str], list[dict]]) -> str:
    clients = [(k, label) for k, label in ORDER if any((k, op) in stats for op in OPS)]
    bar, gap, left, width = 12, 10, 300, 520
    top = 40
    height = top + len(clients) * (2 * bar + gap) + 40
    peak = max(median(v, "p50_us") for v in stats.values())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left}" y="20" font-size="14" font-weight="bold">p50 latency per call (µs, median of rounds; shorter is better)</text>',
        f'<rect x="{left}" y="26" width="10" height="10" fill="#2563eb"/><text x="{left + 14}" y="35">GET oauth/url</text>',
        f'<rect x="{left + 120}" y="26" width="10" height="10" fill="#f59e0b"/><text x="{left + 134}" y="35">POST /instances</text>',
    ]
    y = top
    for key, label in clients:
        parts.append(f'<text x="{left - 8}" y="{y + bar + 4}" text-anchor="end">{label}</text>')
        for i, (op, color) in enumerate(zip(OPS, ("#2563eb", "#f59e0b"))):
            if (key, op) not in stats:
                continue
            v = median(stats[(key, op)], "p50_us")
            w = max(1.0, v / peak * width)
            yy = y + i * bar
            parts.append(f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar - 1}" fill="{color}"/>')
            parts.append(f'<text x="{left + w + 4:.1f}" y="{yy + bar - 2}">{v:.0f}</text>')
        y += 2 * bar + gap
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    rows = load(sys.argv[1])
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    stats = by_client(rows)
    md = ["# make bench", ""]
    meta = next((r for r in rows if r.get("kind") == "meta"), None)
    if meta:
        md += [f"{meta['when']}, commit {meta['commit']}, {meta['machine']}. {meta['how']}", ""]
    md += ["| client | GET oauth/url p50 µs | p99 | calls/s | × wrk | POST /instances p50 µs | p99 | calls/s | × wrk |",
           "| --- | --: | --: | --: | --: | --: | --: | --: | --: |"]
    limit = {op: median(stats[("wrk", op)], "p50_us") for op in OPS if ("wrk", op) in stats}
    for key, label in ORDER:
        cells = [label]
        if not any((key, op) in stats for op in OPS):
            continue
        for op in OPS:
            s = stats.get((key, op))
            if not s:
                cells += ["-"] * 4
                continue
            p50 = median(s, "p50_us")
            ratio = f"{p50 / limit[op]:.2f}" if op in limit else "-"
            cells += [f"{p50:.0f} ({spread(s, 'p50_us')})", f"{median(s, 'p99_us'):.0f}",
                      f"{median(s, 'calls_per_s'):.0f}", ratio]
        md.append("| " + " | ".join(cells) + " |")
    md += ["", "p50 is the median over the rounds, with the rounds' range in brackets.", ""]

    def ratio(a: str, b: str, op: str) -> float | None:
        if (a, op) in stats and (b, op) in stats:
            return median(stats[(a, op)], "p50_us") / median(stats[(b, op)], "p50_us")
        return None

    def paired(a: str, b: str, op: str) -> list[float]:
        """A's p50 over B's in each round of the pair of A and B."""
        runs: dict[int, dict[str, float]] = {}
        for r in rows:
            if r.get("kind") == "pair" and r["pair"] in (f"{a} {b}", f"{b} {a}") and r["op"] == op:
                runs.setdefault(r["round"], {})[r["client"]] = r["p50_us"]
        return [v[a] / v[b] for _, v in sorted(runs.items()) if a in v and b in v]

    checks: list[tuple[str, list[float], str, float]] = []
    for op in OPS:
        checks.append((f"Rust core / raw ureq, {op} (≤ 1.15)", paired("core", "ureq", op), "<=", 1.15))
    # For "x times faster than" checks, the other client's p50 over wrk's
    # (main table) is the most any client could reach on this machine.
    ceilings: dict[str, float | None] = {}

    def faster(name: str, other: str, ours: str, op: str, bound: float) -> None:
        checks.append((name, paired(other, ours, op), ">=", bound))
        ceilings[name] = ratio(other, "wrk", op)

    faster("http.client / Python, POST /instances (≥ 2)", "py-http.client", "py-ea", "create_instance", 2.0)
    faster("requests.Session / Python, POST /instances (≥ 15)", "py-requests", "py-ea", "create_instance", 15.0)
    for op in OPS:
        faster(f"node:http / Node Promise, {op} (≥ 1.3)", "node-node:http", "node-ea-promise", op, 1.3)
        checks.append((f"Node sync / Rust core, {op} (≤ 1.2)", paired("node-ea-sync", "core", op), "<=", 1.2))
        checks.append((f"C / Rust core, {op} (≤ 1.1)", paired("c-ea", "core", op), "<=", 1.1))

    def one(value: float | None) -> list[float]:
        return [] if value is None else [value]

    cold = {r["name"]: r for r in rows if r.get("kind") == "cold"}

    def cold_ratio(a: str, b: str) -> float | None:
        if a in cold and b in cold:
            return cold[a]["median_ms"] / cold[b]["median_ms"]
        return None

    checks.append(("python -c 'import elements_auth' / python -c pass (≤ 1.3)",
                   one(cold_ratio("python import elements_auth", "python pass")), "<=", 1.3))
    checks.append(("Node require + one call / node:http require + one call (< 1)",
                   one(cold_ratio("node elements-auth + call", "node node:http + call")), "<", 1.0))
    for r in rows:
        if r.get("kind") == "sandbox" and "calls_per_s" in r:
            checks.append((f"sandbox {r['op']} calls/s with 4 connections (≥ 20000 for oauth/url)", [r["calls_per_s"]],
                           ">=" if r["op"] == "oauth_url" else "info", 20000.0))
    for r in rows:
        if r.get("kind") == "soak" and r["language"] != "sandbox":
            checks.append((f"RSS growth over {r['calls']} calls, {r['language']} (< 2 MB)", [r["rss_growth_kib"] / 1024], "<", 2.0))
        if r.get("kind") == "soak" and r["language"] == "sandbox" and r.get("rss_by_requests_kib"):
            first_served, first_rss = r["rss_by_requests_kib"][0]
            checks.append((f"sandbox RSS growth from {first_served} to {r['calls']} requests, MB (flat: < 1)",
                           [(r["rss_end_kib"] - first_rss) / 1024], "<", 1.0))
    md += ["## Checks (from this one run)", "",
           "A latency check is the median, over the rounds, of one client's p50 over the other's, the two",
           "having run side by side, taking turns in blocks of calls; the rounds' range is beside it.",
           "The ceiling of an \"x times faster than\" check is the other client's p50 over wrk's (table",
           "above): the ratio a client as fast as wrk itself would reach on this machine.", "",
           "| check | measured | rounds | ceiling | holds |", "| --- | --: | --: | --: | --- |"]
    failed = []
    for name, values, how, bound in checks:
        if not values:
            md.append(f"| {name} | not measured | - | - | - |")
            continue
        value = statistics.median(values)
        holds = {"<=": value <= bound, ">=": value >= bound, "<": value < bound, "info": True}[how]
        if not holds:
            failed.append(name)
        span = f"{min(values):.2f}–{max(values):.2f}" if len(values) > 1 else "-"
        ceiling = ceilings.get(name)
        verdict = "-" if how == "info" else ("yes" if holds else "NO")
        md.append(f"| {name} | {value:.2f} | {span} | {'-' if ceiling is None else f'{ceiling:.2f}'} | {verdict} |")
    pair_rows = [r for r in rows if r.get("kind") == "pair"]
    if pair_rows:
        md += ["", "## The pairs side by side (p50 µs per round)", "",
               "| pair (A B) | call | round | A | B | A / B |", "| --- | --- | --: | --: | --: | --: |"]
        runs: dict[tuple[str, str, int], dict[str, float]] = {}
        for r in pair_rows:
            runs.setdefault((r["pair"], r["op"], r["round"]), {})[r["client"]] = r["p50_us"]
        for (pair, op, rnd), v in runs.items():
            a, b = pair.split(" ")
            if a in v and b in v:
                md.append(f"| {pair} | {op} | {rnd} | {v[a]:.0f} | {v[b]:.0f} | {v[a] / v[b]:.2f} |")
    if cold:
        md += ["", "## Cold starts (process start, load, one call; ms over the runs)", "",
               "| what | median | min–max |", "| --- | --: | --: |"]
        for name, r in cold.items():
            md.append(f"| {name} | {r['median_ms']:.1f} | {r['min_ms']:.1f}–{r['max_ms']:.1f} |")
    soak = [r for r in rows if r.get("kind") == "soak"]
    if soak:
        md += ["", "## RSS over 100k calls (after a warm-up) and the sandbox after 1M requests", "",
               "| who | calls | RSS start | RSS end | growth |", "| --- | --: | --: | --: | --: |"]
        for r in soak:
            md.append(f"| {r['language']} | {r['calls']} | {r['rss_start_kib'] / 1024:.1f} MB | "
                      f"{r['rss_end_kib'] / 1024:.1f} MB | {r['rss_growth_kib'] / 1024:.2f} MB |")
    sandbox = [r for r in rows if r.get("kind") == "sandbox"]
    if sandbox:
        md += ["", "## The sandbox under wrk (release build, 4 connections)", "",
               "| call | requests/s | p50 ms | p99 ms |", "| --- | --: | --: | --: |"]
        for r in sandbox:
            md.append(f"| {r['op']} | {r['calls_per_s']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} |")
    (out / "results.md").write_text("\n".join(md) + "\n")
    (out / "results.json").write_text(json.dumps(rows, indent=1) + "\n")
    (out / "latency.svg").write_text(svg(stats))
    print("\n".join(md))
    if failed:
        print(f"\nbench: {len(failed)} check(s) do not hold: {failed}", file=sys.stderr)


if __name__ == "__main__":
    main()
