"""The published table, the cell-by-cell comparison, and the report's content."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.storelist.presets import get_preset
from bench.rundir.files import RunDirError
from bench.rundir.results import load_run, samples_of
from bench.rundir.ops import OpsCount
from reports.agreement import compare_rows
from benchstat.analysis import analyze
from reports.published import PUBLISHED_GEOMEANS, load_published, published_markdown
from reports.storelist_report import write_report
from reports.writing import REPORT_NAME, ReportError
from benchstat.stats import geomean
from reports.tables import run_table
from stores import STORE_NAMES
from synthetic_runs import manifest, spread, write_run

PUBLISHED = load_published()
PUBLISHED_PRESET = get_preset("published")
SMOKE = get_preset("smoke")


def published_like_run(run_dir: Path, preset_name: str = "published", factor: float = 3.0, n: int = 10,
                       stores: tuple[str, ...] = STORE_NAMES) -> Path:
    """A run of all four configurations, of which ``stores`` were written, whose medians are
    the published centres x ``factor`` (the same shape), with tight spreads."""
    preset = get_preset(preset_name)
    names = dict(zip(PUBLISHED.rows, [case.name for case in preset.cases()]))
    samples = {store: {names[row]: spread(PUBLISHED.cells[row][store].center * factor, n, 0.002)
                       for row in PUBLISHED.rows} for store in stores}
    ops = {store: {names[row]: OpsCount(10, 10, 10 * case.shape.pods_per_namespace)
                   for row, case in zip(PUBLISHED.rows, preset.cases())} for store in stores}
    return write_run(run_dir, samples, manifest(preset.cases(), STORE_NAMES, preset=preset_name, seed=77,
                                                processes=n, counterparts=preset.published_counterparts()), ops)


# ---------------------------------------------------------------------------
# Published table
# ---------------------------------------------------------------------------


def test_published_csv_loads_into_rows_named_like_our_cells() -> None:
    assert PUBLISHED.stores == STORE_NAMES
    assert list(PUBLISHED.rows) == [case.name for case in PUBLISHED_PRESET.cases()]
    first = PUBLISHED.cells[PUBLISHED.rows[0]]
    assert first["btree+index"].center == pytest.approx(20.77e-6)
    assert first["btree+index"].significant is None
    assert first["btree"].significant is False and first["btree"].spread_pct == 13
    assert first["map"].delta_pct == pytest.approx(5037.73) and first["map"].significant is True
    assert PUBLISHED.ratio(PUBLISHED.rows[0], "map") == pytest.approx(1067.34 / 20.77)


def test_published_geomeans_agree_with_the_csv_up_to_its_rounding() -> None:
    for store in STORE_NAMES:
        centers = [PUBLISHED.cells[row][store].center for row in PUBLISHED.rows]
        value, delta = PUBLISHED_GEOMEANS[store]
        assert geomean(centers) == pytest.approx(value, rel=5e-4)
        if delta is not None:
            ratio = geomean([PUBLISHED.ratio(row, store) for row in PUBLISHED.rows])
            assert (ratio - 1) * 100 == pytest.approx(delta, abs=0.1)


def test_published_markdown_keeps_the_published_figures() -> None:
    text = published_markdown(PUBLISHED)
    assert text.splitlines()[0] == "| sec/op | btree+index | btree | vs base | map+index | vs base | map | vs base |"
    for figure in ("20.77µ ± 10%", "20.14µ ± 13%", "+5037.73%", "-7.05%", "+23857.41%", "303.3µ ± 2%",
                   "| geomean | 68.94µ | 62.73µ | -9.02% | 72.72µ | +5.48% | 1.326m | +1823.40% |"):
        assert figure in text
    assert text.count(" ~ ") == 3  # the three "~0" cells


def test_a_malformed_published_csv_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    lines = (Path(__file__).parent.parent / "reports" / "data" / "storelist_seed_table.csv").read_text().splitlines()
    bad.write_text("\n".join([lines[0], lines[1].replace("btree", "trie")]) + "\n")
    with pytest.raises(ValueError, match=r"bad.csv:2: malformed"):
        load_published(bad)


# ---------------------------------------------------------------------------
# Loading runs and the cell-by-cell comparison
# ---------------------------------------------------------------------------


def test_a_sample_is_the_mean_of_one_run_and_calibration_runs_are_skipped(tmp_path: Path) -> None:
    import pyperf
    runs = [pyperf.Run([], warmups=[(1, 5.0)], metadata={"name": "c", "calibrate_loops": 1, "unit": "second"},
                       collect_metadata=False),
            pyperf.Run([1.0, 2.0, 3.0], metadata={"name": "c", "unit": "second", "loops": 1}, collect_metadata=False),
            pyperf.Run([4.0, 6.0], metadata={"name": "c", "unit": "second", "loops": 1}, collect_metadata=False)]
    assert samples_of(pyperf.Benchmark(runs)) == [2.0, 5.0]


def test_loading_reports_missing_configurations_and_cells(tmp_path: Path) -> None:
    run_dir = published_like_run(tmp_path / "run", stores=("btree+index", "btree", "map+index"))
    run = load_run(run_dir)
    assert run.missing_configurations() == ["map"]
    assert run.missing_cells() == {}
    with pytest.raises(RunDirError, match="no such run directory"):
        load_run(tmp_path / "nope")


def test_a_run_with_the_published_shape_agrees_everywhere(tmp_path: Path) -> None:
    run = load_run(published_like_run(tmp_path / "run"))
    rows = compare_rows(analyze(run_table(run)), PUBLISHED)
    assert len(rows) == 6 and all(row.fastest_agrees for row in rows)
    for row in rows:
        for cell in row.cells:
            assert cell.ratio == pytest.approx(cell.published_ratio, rel=1e-6)
            assert cell.ratio_lo < cell.ratio < cell.ratio_hi
    # Tight samples make even the published "~" cells significant here: those verdicts differ.
    disagreeing = [(row.row, cell.store) for row in rows for cell in row.cells if cell.verdict_agrees is False]
    assert len(disagreeing) == 3 and all(cell.significant for row in rows for cell in row.cells)


def test_rows_without_a_base_column_compare_only_the_fastest(tmp_path: Path) -> None:
    run = load_run(published_like_run(tmp_path / "run", stores=("btree", "map")))
    rows = compare_rows(analyze(run_table(run)), PUBLISHED)
    assert all(cell.ratio is None and cell.verdict_agrees is None for row in rows for cell in row.cells)
    assert [row.fastest for row in rows] == ["btree"] * 6


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def test_report_of_a_complete_published_run(tmp_path: Path) -> None:
    run = load_run(published_like_run(tmp_path / "run"))
    outcome = write_report(run)
    assert outcome.caveats == ()
    report = outcome.path.read_text()
    assert outcome.path == run.path / REPORT_NAME
    assert "Complete: 6 cells x 4 configurations" in report
    # The reproduced table in benchstat's layout, in a code block.
    block = report.split("## Reproduced table (benchstat)\n\n```\n", 1)[1].split("```", 1)[0]
    header = next(line for line in block.splitlines() if "│" in line)
    assert [header.index(f" {store} ") for store in STORE_NAMES] == sorted(header.index(f" {store} ")
                                                                         for store in STORE_NAMES)
    assert "sec/op" in block and "vs base" in block and "geomean" in block and "(p=0.000 n=10)" in block
    # The published table beside ours, with its geomeans.
    assert "| geomean | 68.94µ | 62.73µ | -9.02% | 72.72µ | +5.48% | 1.326m | +1823.40% |" in report
    assert "20.77µ ± 10%" in report and "+5037.73%" in report
    # Cell by cell.
    assert "The fastest configuration agrees in 6 of 6 rows" in report
    assert "agrees in 15 of 18 cells" in report
    assert "| Namespaces=50/Pods=150000/Nodes=5000/RV=/Scope=Namespace/Paginate=0 | map | 5.5× | 5.5× |" in report
    # Counts, environment, sample design, reproduction.
    assert "| StoreList/Namespaces=50/Pods=150000/Nodes=5000/RV=/Scope=Namespace/Paginate=0 | btree | 3000 | 1 |" \
        in report
    for fragment in ("| CPU | Test CPU |", "| git revision | abc123 |",
                     "| population seed | 77 |", "| pyperf | 2.10.0 |", "n=10", "storelist run --preset published --seed 77"):
        assert fragment in report
    # Plots exist, are PNG files, and are referenced.
    assert [path.name for path in outcome.plots] == ["medians.png", "ratios.png"]
    for path in outcome.plots:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({path.name})" in report


def test_report_of_a_smoke_run_sets_each_cell_beside_the_one_it_stands_for(tmp_path: Path) -> None:
    run = load_run(published_like_run(tmp_path / "run", preset_name="smoke"))
    report = write_report(run).path.read_text()
    assert "| stands for (published) |" in report
    smoke_first, published_first = SMOKE.cases()[0].name, PUBLISHED_PRESET.cases()[0].name
    assert f"| {smoke_first.removeprefix('StoreList/')} | {published_first.removeprefix('StoreList/')} |" in report
    assert "The fastest configuration agrees in 6 of 6 rows" in report


def test_report_of_an_incomplete_run_says_what_is_missing(tmp_path: Path) -> None:
    run_dir = published_like_run(tmp_path / "run", stores=("btree+index", "btree", "map+index"), n=6)
    cell = PUBLISHED_PRESET.cases()[3].name
    (run_dir / "btree.json").unlink()
    write_run(run_dir, {"btree": {name: spread(1e-4, 6) for name in [c.name for c in PUBLISHED_PRESET.cases()] if name != cell}})
    outcome = write_report(load_run(run_dir))
    report = outcome.path.read_text()
    status = report.split("## Status\n\n", 1)[1].split("##", 1)[0]
    assert "missing configurations map (no map.json)" in status
    assert f"btree has no samples of 1 cells: {cell}" in status
    assert len(outcome.caveats) == 2


def test_report_of_a_custom_run_has_no_published_counterpart(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", {store: {"StoreList/Namespaces=3/Pods=300/Nodes=2/RV=/Scope=Namespace/"
                                                   "Paginate=0": spread(1e-5 * (i + 1), 6)}
                                           for i, store in enumerate(STORE_NAMES)})
    outcome = write_report(load_run(run_dir))
    report = outcome.path.read_text()
    assert "No row of this run has a published counterpart" in report
    assert [path.name for path in outcome.plots] == ["medians.png"]
    assert "(the run has no manifest: command unknown)" in report


def test_report_refuses_to_replace_plots_it_did_not_write(tmp_path: Path) -> None:
    run = load_run(published_like_run(tmp_path / "run"))
    (run.path / "ratios.png").write_bytes(b"mine")
    with pytest.raises(ReportError, match="ratios.png already exists"):
        write_report(run)
    assert (run.path / "ratios.png").read_bytes() == b"mine"
    assert not (run.path / REPORT_NAME).exists()
