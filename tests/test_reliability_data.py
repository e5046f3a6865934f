"""Issue 15, the data half: market data in, policies in, the pipeline's arguments.

Each case of the issue owned here is a regression test asserting the exact
``ValidationError`` (or the correct result): weights whose sum overflows
(case 7, the Policy half), names a policy keys a rule on that the market
does not use (case 8), data frames and policy JSON that raised other
exceptions, and the pipeline's arguments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from jobmatch import (
    GroupQuota,
    Job,
    Market,
    Policy,
    ValidationError,
    Worker,
    build_problem,
    compare,
    match,
    score_matrix,
    shortlist,
    synth,
)
from jobmatch.pipeline.routes import more_seats, routes
from jobmatch.policy import COMPONENTS, DEFAULT_WEIGHTS, MAX_WEIGHTS
from jobmatch.results.explain import explain


def hand_market() -> Market:
    """Two regions (泰安, 济南), two employers, a halal-free menu, one priority group."""
    workers = [
        Worker(id="W1", origin="巫溪", min_wage=3000, diet={"rice"}, groups={"poverty_alleviated"}),
        Worker(id="W2", origin="城口", min_wage=3000, diet={"sichuan"}),
        Worker(id="W3", origin="城口", min_wage=3000),
    ]
    jobs = [
        Job(id="J1", employer="泰安机械", region="泰安", capacity=2, wage=4000, canteen={"rice"}),
        Job(id="J2", employer="济南重工", region="济南", capacity=1, wage=4500, canteen={"wheat"}),
    ]
    return Market(workers, jobs)


MARKET = hand_market()


# ----------------------------------------------------------------------------- case 7: weights


def test_case7_weights_whose_sum_overflows_are_refused():
    with pytest.raises(
        ValidationError, match=r"^Policy: sum of weights must be at most 1e\+06, with the defaults .*, got inf$"
    ):
        Policy(weights={c: 1e308 for c in COMPONENTS})
    with pytest.raises(ValidationError, match=r"Policy: sum of weights must be at most 1e\+06.*, got 2000003\.0"):
        Policy(weights={"skill": 1e6, "diet": 1e6})


def test_case7_weights_up_to_the_bound_score_as_their_ratios():
    # Only ratios matter: the defaults scaled up to just below the bound score as the defaults do.
    factor = MAX_WEIGHTS / sum(DEFAULT_WEIGHTS.values())
    scaled = Policy(weights={c: w * factor for c, w in DEFAULT_WEIGHTS.items()})
    assert sum(scaled.weights.values()) <= MAX_WEIGHTS
    market = synth.scenario(60, 8, seed=3)
    np.testing.assert_allclose(score_matrix(market, scaled), score_matrix(market, Policy()), rtol=1e-6, atol=1e-6)
    assert match(market, scaled, k=4).n_placed == match(market, k=4).n_placed > 0


# ----------------------------------------------------------------------------- case 8: names


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (
            Policy(region_caps={"泰按": 0}),
            r"^Policy: region_caps key must be a region of the market's jobs \(close: '泰安'\), got '泰按'$",
        ),
        (
            Policy(region_caps={"巫溪": 0}),  # a place of the market, but no job is there
            r"^Policy: region_caps key must be a region of the market's jobs \(known: '泰安', '济南'\), got '巫溪'$",
        ),
        (
            Policy(employer_caps={"泰安机戒": 1}),
            r"^Policy: employer_caps key must be an employer of the market's jobs "
            r"\(close: '泰安机械'\), got '泰安机戒'$",
        ),
        (
            Policy(quotas=[GroupQuota("poverty_aleviated", min_share=0.5)]),
            r"^Policy: quotas group must be a group of the market's workers \(close: 'poverty_alleviated'\), "
            r"got 'poverty_aleviated'$",
        ),
        (
            Policy(strict_diets={"halal", "ryce"}),
            r"^Policy: strict_diets item must be a food of the market \(a diet or a canteen's\) \(close: 'rice'\), "
            r"got 'ryce'$",
        ),
    ],
)
@pytest.mark.parametrize("entry", ["match", "build_problem", "compare", "shortlist", "routes", "check_names"])
def test_case8_names_the_market_does_not_use_are_refused_on_every_path(policy, message, entry):
    run = {
        "match": lambda: match(MARKET, policy),
        "build_problem": lambda: build_problem(MARKET, policy),
        "compare": lambda: compare(MARKET, policy, solvers=("flow",)),
        "shortlist": lambda: shortlist(MARKET, policy),
        "routes": lambda: routes(MARKET, policy),
        "check_names": lambda: policy.check_names(MARKET),
    }[entry]
    with pytest.raises(ValidationError, match=message):
        run()


def test_case8_a_market_without_the_group_lists_none():
    market = Market(
        [Worker(id="W", origin="a", min_wage=1)], [Job(id="J", employer="E", region="R", capacity=1, wage=2)]
    )
    with pytest.raises(ValidationError, match=r"a group of the market's workers \(it has none\), got 'female'"):
        match(market, Policy(quotas=[GroupQuota("female", max_share=0.5)]))


def test_case8_known_names_and_the_default_strict_diet_pass():
    # "halal" (the default strict diet) is accepted where nobody eats it; known names change the answer as before.
    policy = Policy(
        region_caps={"泰安": 1},
        employer_caps={"济南重工": 0},
        quotas=[GroupQuota("poverty_alleviated", min_count=1)],
        strict_diets={"halal", "rice"},
    )
    placed = match(MARKET, policy, k=2)
    assert placed.status.name == "OPTIMAL"
    assert placed.placement("W1") == "J1" and placed.n_placed == 1


def test_case8_explain_reads_an_assignment_made_with_a_checked_policy():
    placed = match(MARKET, Policy(region_caps={"泰安": 1}), k=2)
    assert explain(placed, "W1").job == "J1"
    with pytest.raises(ValidationError, match=r"^explain: assignment must be a jobmatch.Assignment, got 'Market'$"):
        explain(MARKET, "W1")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^Worker: id must be the id of a Worker in the market, got 'W9'$"):
        explain(placed, "W9")
    with pytest.raises(ValidationError, match=r"^Worker: position must be an id or a position below 3, got"):
        explain(placed, np.timedelta64(1))  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- data frames


def worker_frame(**columns) -> pd.DataFrame:
    return pd.DataFrame({"id": ["W1", "W2"], "origin": ["巫溪", "城口"], "min_wage": [3000.0, 3500.0], **columns})


JOBS = pd.DataFrame({"id": ["J1"], "employer": ["泰安机械"], "region": ["泰安"], "capacity": [5], "wage": [4500.0]})


@pytest.mark.parametrize(
    ("workers", "message"),
    [
        (
            worker_frame(min_wage=pd.to_timedelta([1, 2], unit="s")),
            r"^Worker 'W1': min_wage must be a finite number from 0 to 1e\+07, got np.timedelta64\(",
        ),
        (
            worker_frame(size=pd.to_timedelta([1, 2], unit="D")),
            r"^Worker 'W1': size must be an integer from 1 to 1000, got np.timedelta64",
        ),
        (worker_frame(min_wage=pd.to_datetime([1, 2])), r"^Worker 'W1': min_wage must be a finite number .*datetime64"),
        (worker_frame(min_wage=np.array([1, 2], dtype=complex)), r"^Worker 'W1': min_wage must be a finite number"),
        (worker_frame(needs_heating=["maybe", "no"]), r"^Worker 'W1': needs_heating must be True or False, got 'may"),
        (
            worker_frame(skills=["welding:3", "welding:³"]),
            r"^Worker 'W2': skills must be text of the form 'skill:level;skill:level', got 'welding:³'$",
        ),
        (
            worker_frame(skills=["welding:" + "1" * 5000, ""]),
            r"^Worker 'W1': skills\['welding'\] must be a level from 1 to 5, got '1111",
        ),
        (
            pd.concat([worker_frame(), worker_frame()[["min_wage"]]], axis=1),
            r"^workers frame: columns must be each column once, got 'min_wage' 2 times$",
        ),
        (
            worker_frame(min_wage=np.array([3000, "3500 CNY"], dtype=object)),  # "3500" alone reads as 3500
            r"^Worker 'W2': min_wage must be a finite number from 0 to 1e\+07, got '3500 CNY'$",
        ),
        (worker_frame(min_wage=[3000.0, np.nan]), r"^Worker 'W2': min_wage must be a finite number .*, got nan$"),
        (worker_frame(origin=["巫溪", None]), r"^Worker 'W2': origin must be non-empty text, got (None|nan)$"),
        (worker_frame(origin=["巫溪", np.nan]), r"^Worker 'W2': origin must be non-empty text, got nan$"),
        (worker_frame(origin=[b"a", "b"]), r"^Worker 'W1': origin must be non-empty text, got b'a'$"),
        (worker_frame(id=[b"W1", "W2"]), r"^Worker at row 0: id must be non-empty text, got b'W1'$"),
        (worker_frame(diet=[b"rice", ""]), r"^Worker 'W1': diet must be a set of non-empty text values, got b'rice'$"),
        (
            worker_frame(size=np.array([1, 2**70], dtype=object)),
            r"^Worker 'W2': size must be an integer from 1 to 1000, got 1180591620717411303424$",
        ),
        (
            worker_frame(size=np.array([1, 2**64 - 1], dtype=np.uint64)),
            r"^Worker 'W2': size must be an integer from 1 to 1000, got 18446744073709551615$",
        ),
    ],
)
def test_bad_pandas_columns_name_the_record_and_column(workers, message):
    with pytest.raises(ValidationError, match=message):
        Market.from_frames(workers, JOBS)


def arrow_workers(**columns) -> pa.Table:
    return pa.table({"id": ["W1", "W2"], "origin": ["巫溪", "城口"], "min_wage": [3000.0, 3500.0], **columns})


@pytest.mark.parametrize(
    ("workers", "message"),
    [
        (
            arrow_workers(min_wage=pa.array([1, 2], pa.duration("s"))),
            r"^Worker 'W1': min_wage must be a finite number .*, got datetime.timedelta\(seconds=1\)$",
        ),
        (
            pa.table(
                [pa.array(["W1"]), pa.array(["a"]), pa.array([1.0]), pa.array([2.0])],
                ["id", "origin"] + ["min_wage"] * 2,
            ),
            r"^workers frame: columns must be each column once, got 'min_wage' 2 times$",
        ),
        (arrow_workers(origin=pa.array([b"a", b"b"])), r"^Worker 'W1': origin must be non-empty text, got b'a'$"),
        (
            arrow_workers(min_wage=pa.array([1.0, None])),
            r"^Worker 'W2': min_wage must be a finite number .*, got None$",
        ),
        (arrow_workers(min_wage=pa.array([1, 2], pa.decimal128(5, 0))), r"got Decimal\('1'\)$"),
    ],
)
def test_bad_arrow_columns_name_the_record_and_column(workers, message):
    with pytest.raises(ValidationError, match=message):
        Market.from_frames(workers, JOBS)


def test_arrow_dictionary_and_large_string_columns_read_as_plain_text():
    plain = Market.from_frames(arrow_workers(), JOBS)
    encoded = arrow_workers(
        id=pa.array(["W1", "W2"], pa.large_string()),
        origin=pa.array(["巫溪", "城口"]).dictionary_encode(),
        min_wage=pa.array([3000.0, 3500.0]).dictionary_encode(),
    )
    assert Market.from_frames(encoded, JOBS) == plain
    workers, jobs, programs = plain.to_frames(backend="arrow")
    assert Market.from_frames(workers, jobs, programs) == plain


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Market(None, []), r"^workers: type must be an iterable of Worker records .*, got 'NoneType'$"),
        (lambda: Market([], 5), r"^jobs: type must be an iterable of Job records .*, got 'int'$"),
        (lambda: Market("W1", []), r"^workers: type must be an iterable of Worker records .*, got 'str'$"),
        (
            lambda: Market(worker_frame(), JOBS),
            r"^workers: type must be an iterable of Worker records \(a data frame goes to Market.from_frames\)",
        ),
        (lambda: Market([], [], skills="welding"), r"^Market: skills must be an iterable of skill names"),
        (lambda: Market([], [], skills=5), r"^Market: skills must be an iterable of skill names"),
        (lambda: Market([], [], skills=["welding", b"x"]), r"^Market: skills item must be non-empty text, got b'x'$"),
        (lambda: MARKET.worker_slice(True, 2), r"^Market.worker_slice: start must be an integer from 0 to"),
        (lambda: MARKET.worker_slice(0, 2**70), r"^Market.worker_slice: stop must be an integer from 0 to 2147483647"),
        (lambda: MARKET.worker_slice(0, 4), r"^Market: worker_slice must be 0 <= start <= stop <= 3, got \(0, 4\)$"),
    ],
)
def test_market_arguments(call, message):
    with pytest.raises(ValidationError, match=message):
        call()


# ----------------------------------------------------------------------------- policy JSON


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            b"\xff\xfe\x00",
            r"^Policy JSON: text must be UTF-8 \(or UTF-16/32\) encoded JSON, got bytes that do not decode",
        ),
        (b'{"hard": ["\xff"]}', r"^Policy JSON: text must be UTF-8 .*, got bytes that do not decode"),
        ("[" * 100_000 + "]" * 100_000, r"^Policy JSON: text must be JSON nested at most 64 deep, got deeper nesting$"),
        ('{"weights": ' + "[" * 70 + "]" * 70 + "}", r"^Policy JSON: text must be JSON nested at most 64 deep"),
        (
            '{"training_budget": ' + "9" * 400 + "}",
            r"^Policy JSON: numbers must be integers from -2\*\*63 to 2\*\*63 - 1",
        ),
        (
            '{"week_penalty": ' + "9" * 5000 + "}",
            r"^Policy JSON: numbers must be integers from -2\*\*63 to 2\*\*63 - 1",
        ),
        ('{"region_caps": {"泰安": -9223372036854775809}}', r"^Policy JSON: numbers must be integers from -2\*\*63"),
        (
            '{"training_budget": NaN}',
            r"^Policy JSON: numbers must be finite \(NaN and Infinity are not JSON\), got 'NaN'$",
        ),
        ('{"week_penalty": -Infinity}', r"^Policy JSON: numbers must be finite .*, got '-Infinity'$"),
        ('{"week_penalty": 1e400}', r"^Policy JSON: numbers must be finite \(at most about 1.8e308\), got '1e400'$"),
        ('"policy"', r"^Policy JSON: top level must be an object, got 'policy'$"),
        ("[]", r"^Policy JSON: top level must be an object, got \[\]$"),
        (
            '{"region_cap": {}}',
            r"^Policy JSON: keys must be only \[.*\] \(close: 'region_caps', 'employer_caps'\), got \['region_cap'\]$",
        ),
        ('{"zzz": 1}', r"^Policy JSON: keys must be only \['cost_penalty', .*, 'weights'\], got \['zzz'\]$"),
        ('{"hard": [], "hard": ["skill"]}', r"^Policy JSON: keys must be each key once per object, got 'hard' twice$"),
        ('{"weights": {"skill": 1e308, "diet": 1e308}}', r"^Policy: sum of weights must be at most 1e\+06"),
        ('{"weights": {"skil": 1}}', r"^Policy: weights key must be one of \[.*\] \(close: 'skill'\), got 'skil'$"),
    ],
)
def test_bad_policy_json(text, message):
    with pytest.raises(ValidationError, match=message):
        Policy.from_json(text)


def test_policy_json_bytes_and_round_trip():
    policy = Policy(region_caps={"泰安": 3}, quotas=[GroupQuota("脱贫人口", min_share=0.5)], weights={"diet": 2})
    assert Policy.from_json(policy.to_json().encode("utf-8")) == policy
    assert Policy.from_json(policy.to_json().encode("utf-16")) == policy
    assert Policy.from_json(bytearray(policy.to_json().encode("utf-8"))) == policy


# ----------------------------------------------------------------------------- pipeline arguments

TRAINING = synth.scenario(60, 8, 3, seed=0)  # has training routes: match takes the training methods


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: match(None), r"^match: market must be a jobmatch.Market, got 'NoneType'$"),
        (
            lambda: match(worker_frame()),
            r"^match: market must be a jobmatch.Market \(build one from frames with "
            r"Market.from_frames\(workers, jobs\), or from files with Market.from_files\), got 'DataFrame'$",
        ),
        (lambda: build_problem([]), r"^build_problem: market must be a jobmatch.Market, got 'list'$"),
        (lambda: compare("market"), r"^compare: market must be a jobmatch.Market, got 'str'$"),
        (lambda: shortlist(None), r"^shortlist: market must be a jobmatch.Market, got 'NoneType'$"),
        (lambda: routes(None), r"^routes: market must be a jobmatch.Market, got 'NoneType'$"),
        (lambda: more_seats(None, 0, 1), r"^more_seats: market must be a jobmatch.Market, got 'NoneType'$"),
        (lambda: match(MARKET, {"region_caps": {}}), r"^match: policy must be a jobmatch.Policy or None, got 'dict'$"),
        (
            lambda: match(MARKET, seed=2**70),
            r"^match: seed must be an integer from 0 to 2147483647, got 1180591620717411303424$",
        ),
        (lambda: match(MARKET, seed=True), r"^match: seed must be an integer from 0 to 2147483647, got True$"),
        (lambda: match(MARKET, seed=1.0), r"^match: seed must be an integer from 0 to 2147483647, got 1.0$"),
        (
            lambda: compare(MARKET, seeds=[0, 2**70]),
            r"^compare: seeds item must be an integer from 0 to 2147483647, got 118",
        ),
        (lambda: compare(MARKET, seeds=[-1]), r"^compare: seeds item must be an integer from 0 to 2147483647, got -1$"),
        (lambda: compare(MARKET, baseline="none"), r"^compare: baseline must be 'random' or 'first_come', got 'none'$"),
        (lambda: match(MARKET, k=True), r"^match: k must be an integer from 1 to 2147483647, got True$"),
        (lambda: match(MARKET, k=2.0), r"^match: k must be an integer from 1 to 2147483647, got 2.0$"),
        (
            lambda: match(MARKET, k=2**63),
            r"^match: k must be an integer from 1 to 2147483647, got 9223372036854775808$",
        ),
        (lambda: build_problem(MARKET, k=0), r"^build_problem: k must be an integer from 1 to 2147483647, got 0$"),
        (lambda: compare(MARKET, k=np.float64(3)), r"^build_problem: k must be an integer from 1 to 2147483647, got"),
        (lambda: match(MARKET, training="no"), r"^match: training must be True or False, got 'no'$"),
        (
            lambda: match(TRAINING, time_limit="1"),
            r"^match: time_limit must be a finite number of seconds above 0, or None, got '1'$",
        ),
        (lambda: match(TRAINING, time_limit=float("nan")), r"^match: time_limit must be a finite number .*, got nan$"),
        (lambda: match(TRAINING, time_limit=0), r"^match: time_limit must be a finite number .*, got 0$"),
        (lambda: match(TRAINING, time_limit=10**400), r"^match: time_limit must be a finite number .*, got 1000"),
        (lambda: routes(TRAINING, train_k=0), r"^routes: train_k must be an integer from 1 to 2147483647, got 0$"),
        (
            lambda: routes(TRAINING, per_seat=1.5),
            r"^routes: per_seat must be an integer from 1 to 2147483647, got 1.5$",
        ),
        (
            lambda: more_seats(TRAINING, 0, 2**70),
            r"^more_seats: extra must be an integer from -2147483647 to 2147483647",
        ),
        (lambda: more_seats(TRAINING, 0, 1.5), r"^more_seats: extra must be an integer from -2147483647 to 2147483647"),
        (
            lambda: more_seats(TRAINING, 0, 2**31 - 1),
            r"^TrainingProgram '.*': seats must be an integer from 0 to 1000000000",
        ),
        (
            lambda: more_seats(TRAINING, "nope", 1),
            r"^TrainingProgram: id must be the id of a TrainingProgram in the market",
        ),
        (lambda: shortlist(MARKET, congestion="yes"), r"^shortlist: congestion must be True or False, got 'yes'$"),
    ],
)
def test_pipeline_arguments(call, message):
    with pytest.raises(ValidationError, match=message):
        call()


def test_more_seats_never_goes_below_zero():
    fewer = more_seats(TRAINING, 0, -(2**31 - 1))
    assert fewer.programs.seats[0] == 0 and (fewer.programs.seats[1:] == TRAINING.programs.seats[1:]).all()


def test_every_worker_appears_placed_or_with_a_reason():
    for market in (MARKET, TRAINING, synth.scenario(80, 6, seed=5)):
        placed = match(market, k=3)
        codes, words = placed.reasons
        assert len(placed.job_of) == market.n_workers
        for i in range(market.n_workers):
            assert (placed.job_of[i] >= 0) == (codes[i] is None) and (codes[i] is None) == (words[i] is None)
