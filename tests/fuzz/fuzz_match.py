"""Hostile arguments for the pipeline: ``match``, ``build_problem``, ``compare``, ``routes``, ``more_seats``,
``shortlist``, ``explain`` and ``Policy.check_names``, on small synthetic markets.

Every call goes through ``_tally.attempt`` (only ``ValidationError`` may
escape) and plainly invalid arguments through ``_tally.refused``.  Accepted
arguments must give a sound answer: an Assignment in which every worker
appears, placed (within the job's headcount) or with a reason; a Problem of
the market's size with at most ``k`` arcs per worker; one ``compare`` row
per solver and seed; a shortlist naming every worker once, in the frame or
among those without a suggestion.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from _tally import REFUSED, attempt, refused
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch import GroupQuota, Market, Policy, build_problem, compare, match, shortlist, synth
from jobmatch.exceptions import OptionWarning
from jobmatch.pipeline.routes import more_seats, routes
from jobmatch.results.explain import explain
from jobmatch.solvers import available

warnings.simplefilter("ignore", OptionWarning)  # unknown option keys warn by design; the suite checks refusals

HUGE = [0, -1, 2**31, 2**31 - 1, 2**63, 2**64 - 1, 2**70, -(2**70), 10**400]
ODD = [None, True, np.bool_(True), "3", "", b"\xff", 2.0, 1.5, math.nan, math.inf, np.int64(3), np.uint64(2**64 - 1)]
ODD += [np.float32(3), np.timedelta64(3, "s"), [3], {"k": 3}, object()]
hostile = st.one_of(st.sampled_from(HUGE), st.sampled_from(ODD))
SOLVERS = ["auto", "flow", "cpsat", "greedy", "lagrangian", "stable", "random", "first_come"]


def valid_int(value: object, low: int, high: int = 2**31 - 1) -> bool:
    return (
        isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.timedelta64)) and low <= value <= high
    )


@st.composite
def markets(draw: st.DrawFn) -> Market:
    n, m, p = draw(st.integers(0, 12)), draw(st.integers(0, 5)), draw(st.integers(0, 2))
    return synth.scenario(n, m, p, seed=draw(st.integers(0, 3)))


def used_names(market: Market) -> dict[str, list[str]]:
    """The names a policy may key rules on in this market (as Policy.check_names reads them)."""
    vocab, jobs, workers = market.vocab, market.jobs, market.workers
    return {
        "region": vocab.place.decode(np.unique(jobs.region)),
        "employer": vocab.employer.decode(np.unique(jobs.employer)),
        "group": vocab.group.decode(np.unique(workers.groups.codes)),
        "food": vocab.food.decode(np.unique(np.r_[workers.diet.codes, jobs.canteen.codes])),
    }


@st.composite
def policies(draw: st.DrawFn, market: Market, clean: bool = False) -> tuple[object, bool]:
    """(policy, names a rule on something the market does not use?); ``clean``: a valid policy or None."""
    names = used_names(market)
    typo = "none" if clean else draw(st.sampled_from(["none", "region", "employer", "group", "food"]))
    if not clean and draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from([None, "policy", {"region_caps": {}}, Policy])), False

    def pick(kind: str) -> list[str]:
        chosen = draw(st.lists(st.sampled_from(names[kind]), unique=True, max_size=2)) if names[kind] else []
        if typo == kind:
            chosen.append(draw(st.sampled_from(["泰按", "E-typo", "poverty_aleviated", "ryce", "x"])))
        return chosen

    quotas = []
    for group in pick("group"):
        share = draw(st.floats(0, 0.6))
        quotas.append(GroupQuota(group, **draw(st.sampled_from([{"min_share": share}, {"max_share": 1 - share}]))))
    policy = Policy(
        weights=draw(st.dictionaries(st.sampled_from(["skill", "diet", "wage", "region"]), st.floats(0.1, 10))),
        hard=draw(st.sampled_from([frozenset({"skill", "wage"}), frozenset({"wage"}), frozenset()])),
        strict_diets=frozenset(pick("food")) | draw(st.sampled_from([frozenset(), frozenset({"halal"})])),
        quotas=quotas,
        employer_caps={name: draw(st.integers(0, 5)) for name in pick("employer")},
        region_caps={name: draw(st.integers(0, 5)) for name in pick("region")},
        training_budget=draw(st.one_of(st.none(), st.floats(0, 20_000))),
    )
    unknown = any(
        name not in names[kind]
        for kind, given_names in (
            ("region", policy.region_caps),
            ("employer", policy.employer_caps),
            ("group", [q.group for q in policy.quotas]),
            ("food", policy.strict_diets - {"halal"}),
        )
        for name in given_names
    )
    return policy, unknown


@st.composite
def match_args(draw: st.DrawFn) -> tuple[Market, dict, dict]:
    """(market, keyword arguments of match, which arguments are plainly invalid)"""
    market = draw(markets())
    clean = draw(st.booleans())  # half the cases valid throughout: the answers are checked

    def maybe(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
        return good if clean else st.one_of(good, bad)

    policy, unknown = draw(policies(market, clean))
    kwargs: dict = {"policy": policy}
    bad = {"policy": unknown or not (policy is None or isinstance(policy, Policy))}
    for name, good, low in (("k", st.integers(1, 6), 1), ("seed", st.integers(0, 3), 0)):
        if draw(st.booleans()):
            kwargs[name] = value = draw(maybe(good, hostile))
            bad[name] = not valid_int(value, low)
    if draw(st.booleans()):
        kwargs["time_limit"] = value = draw(maybe(st.sampled_from([None, 5.0, 30]), hostile))
        bad["time_limit"] = value is not None and not (type(value) in (int, float) and 0 < value < math.inf)
    if draw(st.booleans()):
        kwargs["solver"] = value = draw(maybe(st.sampled_from(SOLVERS), st.sampled_from(["nope", 5, None, ""])))
        bad["solver"] = value not in available()
    if draw(st.booleans()):
        kwargs["training"] = value = draw(maybe(st.booleans(), st.sampled_from(["no", 0, 1, None])))
        bad["training"] = not isinstance(value, bool)
    if draw(st.booleans()):
        kwargs["options"] = value = draw(
            maybe(st.sampled_from([None, {}, {"finish": True}, {"bogus": 1}]), st.sampled_from([[1], {1: 2}, "x"]))
        )
        bad["options"] = value is not None and not (isinstance(value, dict) and all(isinstance(k, str) for k in value))
    if draw(st.booleans()):
        kwargs["scope"] = value = draw(maybe(st.sampled_from(["auto", "market", "candidates"]), hostile))
        bad["scope"] = not isinstance(value, str) or value not in ("auto", "market", "candidates")
    if not clean and draw(st.integers(0, 9)) == 0:
        kwargs["blend"] = draw(st.sampled_from(["x", 1.0, {}]))
        bad["blend"] = True
    return market, kwargs, bad


def check_assignment(market: Market, placed: object) -> None:
    """Every worker appears, placed within the job's headcount or with a reason."""
    job_of = np.asarray(placed.job_of)
    assert job_of.shape == (market.n_workers,)
    codes, words = placed.reasons
    assert len(codes) == len(words) == market.n_workers
    for i, job in enumerate(job_of.tolist()):
        if job >= 0:
            assert job < market.n_jobs and codes[i] is None
        else:
            assert job == -1 and codes[i] is not None and words[i], (i, codes[i])
    people = np.bincount(job_of[job_of >= 0], weights=market.workers.size[job_of >= 0], minlength=market.n_jobs)
    assert np.all(people <= market.jobs.capacity), "a job holds more people than its headcount"
    program_of = np.asarray(placed.program_of)
    assert np.all((program_of == -1) | ((program_of >= 0) & (program_of < market.n_programs)))


@settings(max_examples=120)
@given(match_args())
def test_match(case):
    market, kwargs, bad = case
    placed = attempt("match", match, market, **kwargs)
    if any(bad.values()):
        refused("match", match, market, **kwargs)
    if placed is REFUSED:
        return
    check_assignment(market, placed)
    assert placed.proven_over in ("market", "candidates")
    if placed.proven_over == "market":
        assert kwargs.get("scope", "auto") in ("auto", "market") and placed.solver == "auction"


@settings(max_examples=60)
@given(markets(), st.integers(1, 6), st.sampled_from([0.3, 0.5, 1.0]))
def test_match_from_estimated_prices(market, k, share):
    """The whole-market start at sampled prices on tiny and empty markets (no job, no worker, one of each): a
    sound answer, proven over the market, worth what the top-k start's is."""
    from jobmatch.pipeline import estimate

    saved = estimate.MIN_SAMPLE, estimate.SHARE
    estimate.MIN_SAMPLE, estimate.SHARE = 1, share
    try:
        placed = attempt("match", match, market, k=k, training=False, scope="market")
    finally:
        estimate.MIN_SAMPLE, estimate.SHARE = saved
    assert placed is not REFUSED
    check_assignment(market, placed)
    plain = match(market, k=k, training=False, scope="market")
    assert placed.proven_over == plain.proven_over == "market"
    if placed.status.name == plain.status.name == "OPTIMAL":
        assert abs(placed.objective - plain.objective) <= 2e-6 * max(market.n_workers, 1)


@given(st.sampled_from([None, "market", 3, [], {"workers": []}, synth.scenario(3, 2, seed=1).workers]))
def test_match_needs_a_market(thing):
    for entry, fn in (
        ("match", match),
        ("build_problem", build_problem),
        ("compare", compare),
        ("shortlist", shortlist),
    ):
        assert "market must be a jobmatch.Market" in refused(entry, fn, thing)
    assert "market must be a jobmatch.Market" in refused("routes", routes, thing)
    assert "market must be a jobmatch.Market" in refused("more_seats", more_seats, thing, 0, 1)


@settings(max_examples=100)
@given(match_args())
def test_compile_and_routes(case):
    market, kwargs, bad = case
    args = {key: kwargs[key] for key in ("policy", "k", "blend") if key in kwargs}
    problem = attempt("build_problem", build_problem, market, **args)
    if any(bad.get(key, False) for key in args):
        refused("build_problem", build_problem, market, **args)
        refused("routes", routes, market, **args)
    if problem is REFUSED:
        return
    assert problem.n_workers == market.n_workers and problem.n_jobs == market.n_jobs
    assert np.all(np.diff(problem.indptr) <= args.get("k", 20))
    found = attempt("routes", routes, market, **args)
    assert found is not REFUSED
    assert found.problem.n_workers == market.n_workers and found.problem.n_jobs == market.n_jobs


@st.composite
def compare_args(draw: st.DrawFn) -> dict:
    if draw(st.booleans()):  # valid throughout
        return {
            "solvers": draw(st.lists(st.sampled_from(SOLVERS), min_size=1, max_size=2)),
            "seeds": draw(st.lists(st.integers(0, 3), min_size=1, max_size=2)),
            "baseline": draw(st.sampled_from(["random", "first_come"])),
            "time_limit": draw(st.sampled_from([None, 5.0])),
        }
    return {
        "solvers": draw(st.lists(st.one_of(st.sampled_from(SOLVERS), st.sampled_from(["nope", 5])), min_size=1)),
        "seeds": draw(
            st.one_of(st.lists(st.one_of(st.integers(0, 3), hostile), min_size=1, max_size=2), st.sampled_from([[], 3]))
        ),
        "baseline": draw(st.sampled_from(["random", "first_come", "none", 3])),
        "time_limit": draw(st.one_of(st.none(), st.just(5.0), hostile)),
    }


@settings(max_examples=50)
@given(markets(), compare_args())
def test_compare(market, kwargs):
    solvers, seeds, baseline, time_limit = (kwargs[key] for key in ("solvers", "seeds", "baseline", "time_limit"))
    table = attempt("compare", compare, market, k=3, **kwargs)
    bad = any(s not in available() for s in solvers)
    bad |= not isinstance(seeds, list) or not seeds or any(not valid_int(s, 0) for s in seeds)
    bad |= baseline not in ("random", "first_come")
    bad |= time_limit is not None and not (type(time_limit) in (int, float) and 0 < time_limit < math.inf)
    if bad:
        refused("compare", compare, market, k=3, **kwargs)
    if table is REFUSED:
        return
    assert len(table) == len(solvers) * len(seeds)
    assert list(table["solver"]) == [s for s in solvers for _ in seeds]
    done = table[table["status"] != "unsupported"]
    assert (done["workers_placed"] <= market.n_workers).all()


@st.composite
def shortlist_args(draw: st.DrawFn) -> dict:
    clean = draw(st.booleans())

    def maybe(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
        return good if clean else st.one_of(good, bad)

    kwargs = {
        "k": draw(maybe(st.integers(1, 4), hostile)),
        "rounds": draw(maybe(st.sampled_from([1, 4]), hostile)),
        "side": draw(maybe(st.sampled_from(["worker", "job"]), st.sampled_from(["both", 1, None]))),
        "congestion": draw(maybe(st.booleans(), st.sampled_from(["yes", 1, None]))),
    }
    depth = draw(maybe(st.sampled_from([None, 5, 20]), hostile))
    if depth is not None:
        kwargs["depth"] = depth
    return {"clean": clean, **kwargs}


@settings(max_examples=80)
@given(markets(), st.data(), shortlist_args())
def test_shortlist(market, data, kwargs):
    policy, unknown = data.draw(policies(market, kwargs.pop("clean")))
    k, rounds, side, congestion = (kwargs[key] for key in ("k", "rounds", "side", "congestion"))
    depth = kwargs.get("depth")
    table = attempt("shortlist", shortlist, market, policy, **kwargs)
    bad = unknown or not (policy is None or isinstance(policy, Policy))
    bad |= not valid_int(k, 1) or not valid_int(rounds, 1) or side not in ("worker", "job")
    bad |= not isinstance(congestion, bool) or (depth is not None and not valid_int(depth, 1))
    bad |= valid_int(k, 1) and depth is not None and valid_int(depth, 1) and depth < k
    if bad:
        refused("shortlist", shortlist, market, policy, **kwargs)
    if table is REFUSED:
        return
    ids = market.workers.ids if side == "worker" else market.jobs.ids
    listed = set(table[side])
    missing = set(table.attrs["no_suggestion"])
    assert not listed & missing and listed | missing == set(ids.tolist())
    assert (table["rank"] <= k).all()


@settings(max_examples=60)
@given(markets(), st.data())
def test_explain_and_names(market, data):
    policy, unknown = data.draw(policies(market, data.draw(st.booleans())))
    checked = attempt("Policy.check_names", Policy.check_names, policy, market) if isinstance(policy, Policy) else None
    if isinstance(policy, Policy) and unknown:
        refused("Policy.check_names", Policy.check_names, policy, market)
    if checked is REFUSED or not (policy is None or isinstance(policy, Policy)):
        return
    placed = match(market, policy, k=3)
    check_assignment(market, placed)
    n = market.n_workers
    key = data.draw(
        st.one_of(
            st.sampled_from(market.workers.ids.tolist() or ["W"]),
            st.integers(-n - 2, n + 2),
            hostile,
            st.sampled_from(["no such worker", b"W"]),
        )
    )
    note = attempt("explain", explain, placed, key)
    in_range = valid_int(key, -n, n - 1)
    if not (in_range or (isinstance(key, str) and key in set(market.workers.ids.tolist()))):
        refused("explain", explain, placed, key)
    if note is not REFUSED:
        i = market.worker_index(key)
        assert note.worker == market.workers.ids[i]
        assert (note.job is None) == (placed.job_of[i] < 0)
    refused("explain", explain, market, 0)


@settings(max_examples=60)
@given(
    st.integers(0, 3).map(lambda seed: synth.scenario(8, 3, 2, seed=seed)),
    st.one_of(st.integers(-2, 3), st.sampled_from(["nope", 1.0, None])),
    st.one_of(st.integers(-(2**31 - 1), 2**31 - 1), st.integers(-5, 5), hostile),
)
def test_more_seats(market, program, extra):
    bigger = attempt("more_seats", more_seats, market, program, extra)
    program_ok = valid_int(program, -market.n_programs, market.n_programs - 1)
    extra_ok = valid_int(extra, -(2**31 - 1))
    if not program_ok or not extra_ok:
        refused("more_seats", more_seats, market, program, extra)
    if bigger is REFUSED:
        return
    p = market.program_index(program)
    want = max(int(market.programs.seats[p]) + int(extra), 0)
    assert int(bigger.programs.seats[p]) == want <= 10**9
    others = np.arange(market.n_programs) != p
    assert np.array_equal(bigger.programs.seats[others], market.programs.seats[others])
