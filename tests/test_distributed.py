"""jobmatch on Dask (issue 16): distributed candidates, sweeps and the price-coordinated assignment.

Equality with the single-machine functions is the test: candidates row for
row, ``assign``'s optimum against OR-Tools flow on the same arcs (and the
same placements for any partitioning), ``sweep`` against ``compare``.  The
cluster tests run a ``LocalCluster`` of two processes; the rest use dask's
threaded scheduler, which runs the same tasks in this process.
"""

from __future__ import annotations

import subprocess
import sys

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

dd = pytest.importorskip("dask.dataframe", reason="the [dask] extra is not installed")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
pd = pytest.importorskip("pandas")

from jobmatch import GroupQuota, Policy, Problem, ValidationError, compare, solve, synth  # noqa: E402
from jobmatch import candidates as single_candidates  # noqa: E402
from jobmatch.distributed import assign, candidates, sweep  # noqa: E402
from jobmatch.pipeline import coordinated  # noqa: E402
from jobmatch.pipeline._cluster import frame_arg  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def market():
    return synth.scenario(1200, 40, seed=3)


def split(frame, parts: int, key: str | None = None):
    """``frame`` as a dask DataFrame of about ``parts`` partitions (cells kept as Python objects; each value of
    column ``key`` in one partition)."""
    return frame_arg("test", "frame", frame, parts, key=key)


def single_rows(market, policy=None, k=5):
    graph = single_candidates(market, policy, k)
    rows = np.repeat(np.arange(market.n_workers), np.diff(graph.indptr))
    return pd.DataFrame(
        {
            "worker": np.asarray(market.workers.id, dtype=object)[rows],
            "job": np.asarray(market.jobs.id, dtype=object)[graph.indices],
            "score": graph.scores,
            "people": market.workers.size[rows],
        }
    )


def same_rows(got, want) -> None:
    got = got.reset_index(drop=True)
    assert len(got) == len(want)
    for column in ("worker", "job"):
        assert got[column].astype(object).tolist() == want[column].tolist(), column
    assert np.array_equal(got["score"].to_numpy(), want["score"].to_numpy())
    assert np.array_equal(got["people"].to_numpy(), want["people"].to_numpy())


# ----------------------------------------------------------------------------- candidates
@pytest.mark.parametrize("parts", [1, 2, 7])
def test_candidates_on_a_cluster_equal_the_single_machine_rows(client, market, parts):
    workers, jobs, _ = market.to_frames()
    policy = Policy(weights={"wage": 2.0}, strict_diets=frozenset({"halal"}))
    got = candidates(split(workers, parts), jobs, policy, k=5, client=client).compute()
    same_rows(got, single_rows(market, policy, k=5))


def test_candidates_read_parquet_partitions_and_equal_the_single_machine_rows(market, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    workers, jobs, _ = market.to_frames(backend="arrow")
    for i, start in enumerate(range(0, market.n_workers, 500)):  # three files: three partitions
        pq.write_table(workers.slice(start, 500), tmp_path / f"workers-{i}.parquet")
    pq.write_table(jobs, tmp_path / "jobs.parquet")
    paths = sorted(str(p) for p in tmp_path.glob("workers-*.parquet"))
    rows = candidates(paths, str(tmp_path / "jobs.parquet"), k=5)
    assert rows.npartitions == 3
    same_rows(rows.compute(), single_rows(market, k=5))


def test_a_bad_row_fails_naming_the_partition_and_the_worker(client, market):
    workers, jobs, _ = market.to_frames()
    workers.loc[900, "min_wage"] = -5.0  # partition 2 of 3 (rows 800-1199)
    bad_id = workers.loc[900, "id"]
    with pytest.raises(ValidationError) as caught:
        candidates(split(workers, 3), jobs, k=5, client=client).compute()
    assert "workers partition 2" in str(caught.value) and bad_id in str(caught.value)
    assert caught.value.field == "min_wage"


def test_a_dict_column_stringified_by_dask_gets_a_hint(market):
    """dask's default string conversion turns a skills dict into its repr; the error says how to avoid it."""
    workers, jobs, _ = market.to_frames()
    stringified = dd.from_pandas(workers.iloc[:200], npartitions=2)  # dask's defaults: object columns to strings
    with pytest.raises(ValidationError, match="convert-string") as caught:
        candidates(stringified, jobs, k=3, client=None).compute(scheduler="threads")
    assert caught.value.field == "skills" and "workers partition" in str(caught.value)


def test_bad_arguments_are_refused_before_anything_runs(market):
    workers, jobs, _ = market.to_frames()
    with pytest.raises(ValidationError, match="k must be"):
        candidates(workers, jobs, k=0)
    with pytest.raises(ValidationError, match="workers must be"):
        candidates(42, jobs)
    with pytest.raises(ValidationError, match="client must be"):
        candidates(workers, jobs, client="localhost:8786")
    bad_jobs = jobs.copy()
    bad_jobs.loc[0, "capacity"] = -1
    with pytest.raises(ValidationError, match="capacity"):
        candidates(workers, bad_jobs)


# ----------------------------------------------------------------------------- assign
@st.composite
def candidate_frames(draw):
    """(candidate rows, jobs frame, Problem of the same arcs): integer scores, ties, zero capacities, couples."""
    n, m = draw(st.integers(1, 30)), draw(st.integers(1, 6))
    couples = draw(st.booleans())
    people = [draw(st.sampled_from([1, 2])) if couples else 1 for _ in range(n)]
    rows, indptr, arc_jobs, values = [], [0], [], []
    for i in range(n):
        chosen = draw(st.lists(st.integers(0, m - 1), unique=True, max_size=m))
        for j in chosen:
            score = float(draw(st.integers(0, 9)))
            rows.append((f"W{i}", f"J{j}", score, people[i]))
            arc_jobs.append(j)
            values.append(score)
        indptr.append(len(arc_jobs))
    capacity = [draw(st.integers(0, 5)) for _ in range(m)]
    frame = pd.DataFrame(rows, columns=["worker", "job", "score", "people"])
    frame = frame.astype({"score": "float64", "people": "int64"})
    jobs = pd.DataFrame({"id": [f"J{j}" for j in range(m)], "employer": "E", "region": "泰安",
                         "capacity": capacity, "wage": 4000.0})  # fmt: skip
    # Workers without any row are not in the candidates: the problem keeps only those with rows.
    keep = [i for i in range(n) if indptr[i + 1] > indptr[i]]
    counts = np.diff(indptr)[keep]
    problem = Problem(
        np.r_[0, np.cumsum(counts)].astype(np.int64),
        np.asarray(arc_jobs, dtype=np.int64),
        np.asarray(values),
        n_jobs=m,
        capacity=capacity,
        use=np.repeat(np.asarray(people)[keep], counts),
        people=np.asarray(people)[keep],
    )
    return frame, jobs, problem


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(candidate_frames(), st.integers(1, 4), st.sampled_from([3, 10**6]), st.sampled_from([0.0, None]))
def test_assign_reaches_the_flow_optimum_and_its_certificate_holds(monkeypatch, case, parts, sample, delta):
    """A small price sample and ``delta=0`` make the verify passes add arcs; the answer is exact anyway."""
    frame, jobs, problem = case
    monkeypatch.setattr(coordinated, "SAMPLE_WORKERS", sample)
    done = assign(split(frame, parts, "worker"), jobs, delta=delta)
    flow = solve(problem, solver="flow")
    placed = done.placements.compute()
    assert placed.worker.tolist() == list(dict.fromkeys(frame.worker))
    capacity = dict(zip(jobs.id, jobs.capacity))
    used = placed.dropna(subset=["job"]).groupby("job")["people"].sum()
    assert all(used[j] <= capacity[j] for j in used.index)
    arcs = set(zip(frame.worker, frame.job))
    assert all((w, j) in arcs for w, j in zip(placed.worker, placed.job) if j is not pd.NA)
    assert abs(placed.score.sum() - done.objective) < 1e-9
    if (problem.people == 1).all():
        assert done.status.name == "OPTIMAL"
        assert done.objective == pytest.approx(flow.objective, abs=1e-9)
    assert done.bound >= done.objective - 1e-9
    assert done.bound == pytest.approx(flow.bound, abs=1e-6)  # both: the relaxation's bound, proven over every arc
    # The certificate, recomputed here: D(prices) over every arc equals the bound.
    size = frame.people.to_numpy()
    reduced = frame.score.to_numpy() - size * done.prices[[int(j[1:]) for j in frame.job]]
    surplus = pd.Series(np.maximum(reduced, 0)).groupby(frame.worker.to_numpy()).max().sum()
    assert float(jobs.capacity @ done.prices) + surplus == pytest.approx(done.bound, abs=1e-6)
    assert (reasons := set(placed.reason.dropna())) <= {"not_chosen", "displaced", "outranked"}, reasons


def test_assign_verify_passes_add_the_arcs_the_sample_missed(monkeypatch):
    market = synth.scenario(800, 30, seed=7)
    workers, jobs, _ = market.to_frames()
    monkeypatch.setattr(coordinated, "SAMPLE_WORKERS", 40)
    rows = candidates(workers, jobs, k=8)
    done = assign(rows, jobs, delta=0.0)
    assert done.stats["passes"] >= 2 and done.stats["added"] > 0
    again = assign(rows, jobs)  # the default delta keeps enough arcs for one pass here
    single = solve(Problem.from_graph(single_candidates(market, None, 8), capacity=market.jobs.capacity,
                                      use=market.workers.size[np.repeat(np.arange(800), np.diff(
                                          single_candidates(market, None, 8).indptr))],
                                      people=market.workers.size), solver="flow")  # fmt: skip
    assert done.bound == pytest.approx(single.bound, abs=1e-6) == again.bound


def test_assign_gives_the_same_placements_for_1_2_and_7_partitions_on_a_cluster(client, monkeypatch):
    market = synth.scenario(1500, 30, seed=11)
    workers, jobs, _ = market.to_frames()
    rows = candidates(workers, jobs, k=6).compute()
    monkeypatch.setattr(coordinated, "SAMPLE_WORKERS", 300)  # five-fold sample: a real price start
    runs = [assign(split(rows, parts, "worker"), jobs, rounds=2, client=client) for parts in (1, 2, 7)]
    placements = [run.placements.compute(scheduler=None).reset_index(drop=True) for run in runs]
    for run, placed in zip(runs[1:], placements[1:]):
        pd.testing.assert_frame_equal(placed, placements[0])
        assert run.objective == runs[0].objective and run.status == runs[0].status
        assert np.array_equal(run.prices, runs[0].prices)
    assert runs[0].stats["partitions"] == 1 and runs[2].stats["partitions"] == 7


@pytest.mark.parametrize("form", ["pandas", "arrow", "dask"])
def test_candidate_columns_named_before_issue_29_are_read_with_a_warning(market, form):
    """``worker_id`` and ``job_id`` (the candidate and placement columns' names before they took the
    single-machine spelling, ``worker`` and ``job``) are read for one release, with a DeprecationWarning."""
    import pyarrow as pa

    _, jobs, _ = market.to_frames()
    rows = single_rows(market, k=4)
    old = rows.rename(columns={"worker": "worker_id", "job": "job_id"})
    given = {"pandas": old, "arrow": pa.Table.from_pandas(old), "dask": split(old, 2, "worker_id")}[form]
    with pytest.warns(DeprecationWarning, match="'worker_id', 'job_id' are now named 'worker', 'job'"):
        done = assign(given, jobs)
    placed = done.placements.compute()
    assert list(placed.columns[:2]) == ["worker", "job"]
    assert done.objective == pytest.approx(assign(rows, jobs).objective, abs=1e-9)


def test_assign_with_workers_lists_everyone_with_a_reason(market):
    workers, jobs, _ = market.to_frames()
    done = assign(candidates(workers, jobs, k=5), jobs, workers=workers)
    placed = done.placements.compute()
    assert sorted(placed.worker) == sorted(workers.id)
    unplaced = placed[placed.job.isna()]
    assert unplaced.reason.notna().all()
    no_rows = set(workers.id) - set(single_rows(market, k=5).worker)
    assert set(unplaced[unplaced.reason == "no_feasible_job"].worker) == no_rows


def test_refinement_rounds_report_a_dual_bound_above_the_optimum(market):
    workers, jobs, _ = market.to_frames()
    done = assign(candidates(workers, jobs, k=5), jobs, rounds=3)
    assert done.stats["rounds"] == 3 and len(done.stats["duals"]) >= 1
    assert min(done.stats["duals"]) >= done.objective - 1e-6  # every D(p) bounds the optimum


def test_assign_refuses_bad_rows_naming_partition_and_row(market):
    workers, jobs, _ = market.to_frames()
    rows = candidates(workers, jobs, k=5).compute()
    for column, value, words in (("job", "no-such-job", "the id of a job"), ("score", np.nan, "finite"),
                                 ("people", 0, "from 1 to 1000")):  # fmt: skip
        bad = rows.copy()
        bad.loc[bad.index[-3], column] = value
        with pytest.raises(ValidationError, match=words) as caught:
            assign(split(bad, 2, "worker"), jobs)
        assert f"candidates partition 1: candidates frame row {bad.index[-3]}:" in str(caught.value)
    ids = rows.worker.to_numpy(dtype=object)
    cut = int(np.flatnonzero(ids[1:] == ids[:-1])[0]) + 1  # inside one worker's rows
    across = dd.from_pandas(rows.iloc[:cut], npartitions=1).repartition(npartitions=1)
    across = dd.concat([across, dd.from_pandas(rows.iloc[cut:], npartitions=1)])
    with pytest.raises(ValidationError, match=f"worker '{ids[cut]}' in partitions 0 and 1"):
        assign(across, jobs)
    twice = pd.concat([rows.iloc[:3], rows.iloc[:1]], ignore_index=True)
    with pytest.raises(ValidationError, match="each \\(worker, job\\) pair once"):
        assign(twice, jobs)
    with pytest.raises(ValidationError, match="the same id at rows 0 and"):
        assign(rows, pd.concat([jobs, jobs.iloc[:1]], ignore_index=True))
    with pytest.raises(ValidationError, match="quotas or caps"):
        assign(rows, jobs, Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.5)]))
    with pytest.raises(ValidationError, match="rounds"):
        assign(rows, jobs, rounds=-1)


# ----------------------------------------------------------------------------- sweep
def test_sweep_on_a_cluster_equals_compare_per_scenario(client):
    market = synth.scenario(400, 20, seed=2)
    shares = [Policy(quotas=[GroupQuota("poverty_alleviated", min_share=s)]) for s in (0.5, 0.7)]
    scenarios = [*shares, 3, {"policy": shares[0], "seed": 1}]
    table = sweep(market, scenarios, solver="lagrangian", k=5, client=client)
    assert table["scenario"].tolist() == [0, 1, 2, 3]
    expected = [
        compare(market, policy, solvers=("lagrangian",), seeds=(seed,), k=5)
        for policy, seed in ((shares[0], 0), (shares[1], 0), (None, 3), (shares[0], 1))
    ]
    want = pd.concat(expected, ignore_index=True).drop(columns="seconds")
    pd.testing.assert_frame_equal(table.drop(columns=["scenario", "seconds"]), want)


def test_sweep_reads_parquet_paths_in_each_task(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    market = synth.scenario(200, 10, seed=6)
    workers, jobs, _ = market.to_frames(backend="arrow")
    pq.write_table(workers, tmp_path / "workers.parquet")
    pq.write_table(jobs, tmp_path / "jobs.parquet")
    paths = (str(tmp_path / "workers.parquet"), str(tmp_path / "jobs.parquet"))
    table = sweep(paths, [0, 1], solver="greedy", k=4)
    want = compare(market, solvers=("greedy",), seeds=(0, 1), k=4)
    pd.testing.assert_frame_equal(table.drop(columns=["scenario", "seconds"]), want.drop(columns="seconds"))


def test_sweep_refuses_bad_scenarios():
    market = synth.scenario(50, 5, seed=2)
    for scenarios in ([], "policy", [object()], [{"bogus": 1}], [{"market": "m"}]):
        with pytest.raises(ValidationError, match="scenarios"):
            sweep(market, scenarios)
    with pytest.raises(ValidationError, match="market must be"):
        sweep("market", [0])


def test_without_dask_the_import_names_the_extra():
    code = (
        "import sys; sys.modules['dask'] = None; sys.modules['dask.dataframe'] = None\n"
        "try:\n    import jobmatch.distributed\nexcept ImportError as err:\n    print(type(err).__name__, err)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    extra = 'pip install "jobmatch[dask]"'
    assert done.stdout.strip() == f"MissingDependency jobmatch.distributed needs dask.dataframe: {extra}"


# ----------------------------------------------------------------------------- inputs checked like the rest (issue 28)
def test_a_subset_of_workers_keeps_every_placement(market):
    workers, jobs, _ = market.to_frames()
    rows = candidates(workers, jobs, k=5)
    everyone = assign(rows, jobs).placements.compute()
    some = workers.iloc[: len(workers) // 3]
    listed = assign(rows, jobs, workers=some).placements.compute()
    placed = everyone[everyone.job.notna()].set_index("worker").job
    again = listed[listed.job.notna()].set_index("worker").job
    assert again.sort_index().equals(placed.sort_index())  # none dropped for being outside ``workers``
    assert set(some.id) <= set(listed.worker)


def test_a_partition_with_other_columns_is_named(market):
    workers, jobs, _ = market.to_frames()
    rows = candidates(workers, jobs, k=5).compute()
    cut = len(rows) // 2
    cut = int(np.flatnonzero(rows.worker.to_numpy()[cut:] != rows.worker.to_numpy()[cut - 1])[0]) + cut
    first, second = rows.iloc[:cut], rows.iloc[cut:].drop(columns="people")  # its couples would count as one
    mixed = dd.from_delayed([dask.delayed(first), dask.delayed(second)], meta=first.iloc[:0], verify_meta=False)
    with pytest.raises(ValidationError, match=r"candidates partition 1: columns must be those of the first partition "
                                              r".*got columns without 'people'"):  # fmt: skip
        assign(mixed, jobs)
    renamed = dd.from_delayed([dask.delayed(first), dask.delayed(rows.iloc[cut:].astype({"score": str}))],
                              meta=first.iloc[:0], verify_meta=False)  # fmt: skip
    with pytest.raises(ValidationError, match=r"partition 1: .* score \(objects, not number\)"):
        assign(renamed, jobs)
    w = split(workers, 2)
    with dask.config.set({"dataframe.convert-string": False}):  # dict cells stay dicts
        pieces = [dask.delayed(workers.iloc[:10]), dask.delayed(workers.iloc[10:].drop(columns="size"))]
        odd = dd.from_delayed(pieces, meta=workers.iloc[:0], verify_meta=False)
    with pytest.raises(ValidationError, match=r"workers partition 1: columns must be .* without 'size'"):
        candidates(odd, jobs, k=3).compute()
    assert len(candidates(w, jobs, k=3).compute()) > 0


@pytest.mark.parametrize("bad", [None, ["W1"], 1.5, True])
def test_null_or_list_ids_are_refused_naming_the_row(market, bad):
    workers, jobs, _ = market.to_frames()
    rows = candidates(workers, jobs, k=5).compute()
    for column in ("worker", "job"):
        broken = rows.copy()
        cells = broken[column].to_numpy(dtype=object).copy()
        cells[4] = bad
        broken[column] = pd.Series(cells, index=broken.index, dtype=object)
        with pytest.raises(ValidationError, match=rf"candidates frame row {broken.index[4]}: {column} must be an id"):
            assign(broken, jobs)


@numba.njit
def _dialect(worker, job, table):
    return table[int(worker[0]), int(job[0])]


def test_custom_components_score_on_a_process_cluster_as_on_one_machine(client):
    from jobmatch.components import register, unregister

    market = synth.scenario(300, 12, seed=5)
    table = np.linspace(0.0, 1.0, len(market.vocab.place) ** 2).reshape(len(market.vocab.place), -1)
    register("dialect", _dialect, worker=("origin",), job=("region",), data=table)
    try:
        policy = Policy(weights={"dialect": 2.0})
        workers, jobs, _ = market.to_frames()
        here = single_rows(market, k=4, policy=policy)
        there = candidates(split(workers, 3), jobs, policy, k=4, client=client).compute()
        there = there.sort_values(["worker", "score", "job"], ascending=[True, False, True])
        here = here.sort_values(["worker", "score", "job"], ascending=[True, False, True])
        assert np.array_equal(there.job.to_numpy(dtype=object), here.job.to_numpy(dtype=object))
    finally:
        unregister("dialect")


def test_parquet_files_with_other_columns_are_named_before_dask_reads_them(market, tmp_path):
    workers, jobs, _ = market.to_frames()
    rows = candidates(workers, jobs, k=3).compute()
    rows.iloc[:100].to_parquet(tmp_path / "a.parquet")
    rows.iloc[100:].drop(columns="people").to_parquet(tmp_path / "b.parquet")
    with pytest.raises(
        ValidationError, match=r"candidates file '.*b\.parquet' must have the columns of .* without \['people'\]"
    ):
        assign([str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet")], jobs)
    with pytest.raises(ValidationError, match=r"b\.parquet' must have the columns"):
        assign(str(tmp_path), jobs)  # a folder of parts
    (tmp_path / "b.parquet").write_bytes(b"PAR1 broken")
    with pytest.raises(ValidationError, match=r"b\.parquet' must be a Parquet file"):
        assign(str(tmp_path / "*.parquet"), jobs)  # a pattern
