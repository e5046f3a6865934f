"""Training routes and training-aware solvers against a plain-Python reference built from the records.

The reference never touches :mod:`jobmatch.training`: it scores direct pairs with ``score_matrix`` on the
market and trained pairs with ``score_matrix`` on a market rebuilt from records whose skills were raised to
what a programme grants, then searches every option of every worker (unplaced, a job directly, a programme
and a job) under capacities, seats, budget, caps and quotas (all in people).
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from jobmatch import (
    GroupQuota,
    Job,
    Market,
    Policy,
    Status,
    TrainingProgram,
    ValidationError,
    WarmStart,
    Worker,
    match,
    score_matrix,
    synth,
)
from jobmatch.pipeline.routes import routes
from jobmatch.solvers.training import solve_exact, solve_priced

FAST = settings(max_examples=40, deadline=None)
SOFT_SKILLS = frozenset({"wage"})  # skills give partial credit: training can improve a feasible pair


def tol(n_workers: int) -> float:
    """CP-SAT and flow solve on values rounded to 1e-6: totals may be off by that much per placement."""
    return 1e-6 * max(n_workers, 1) + 1e-9


# ----------------------------------------------------------------------------- the reference


def eligible(worker: Worker, program: TrainingProgram) -> bool:
    """Trainable, holds every prerequisite, lacks some granted level."""
    held = worker.skills
    return (
        worker.trainable
        and all(held.get(s, 0) >= level for s, level in program.prerequisites.items())
        and any(held.get(s, 0) < level for s, level in program.grants.items())
    )


def after_training(worker: Worker, program: TrainingProgram) -> dict[str, int]:
    levels = dict(worker.skills)
    for skill, level in program.grants.items():
        levels[skill] = max(levels.get(skill, 0), level)
    return levels


def upgraded(worker: Worker, program: TrainingProgram) -> Worker:
    return dataclasses.replace(worker, skills=after_training(worker, program))


def loss(policy: Policy, program: TrainingProgram) -> float:
    return policy.week_penalty * program.weeks + policy.cost_penalty * program.cost / 1000.0


def trained_score(market: Market, policy: Policy, i: int, j: int, p: int) -> float:
    """Score of worker i at job j after programme p, from a one-pair market rebuilt from records."""
    alone = Market([upgraded(market.worker(i), market.program(p))], [market.job(j)])
    return float(score_matrix(alone, policy)[0, 0])


class Reference:
    """Every option of every worker, and an exhaustive search over them."""

    def __init__(self, market: Market, policy: Policy) -> None:
        n, m = market.n_workers, market.n_jobs
        workers = [market.worker(i) for i in range(n)]
        jobs = [market.job(j) for j in range(m)]
        programs = [market.program(p) for p in range(market.n_programs)]
        direct = score_matrix(market, policy).astype(np.float64)
        self.options: list[dict[tuple[int, int], float]] = [{} for _ in range(n)]
        for i in range(n):
            for j in range(m):
                if np.isfinite(direct[i, j]):
                    self.options[i][(j, -1)] = float(direct[i, j])
        for p, program in enumerate(programs):
            rebuilt = Market([upgraded(w, program) for w in workers], jobs, programs)
            trained = score_matrix(rebuilt, policy).astype(np.float64)
            for i in range(n):
                if not eligible(workers[i], program):
                    continue
                for j in range(m):
                    value = trained[i, j] - loss(policy, program)
                    if np.isfinite(value) and value > direct[i, j]:  # enables or improves the pair
                        self.options[i][(j, p)] = float(value)
        self.n = n
        self.size = [w.size for w in workers]
        self.capacity = [job.capacity for job in jobs]
        self.seats = [program.seats for program in programs]
        self.cost = [program.cost for program in programs]
        self.budget = policy.training_budget
        self.caps = []  # (set of jobs, limit in people)
        for name, limit in policy.region_caps.items():
            self.caps.append(({j for j, job in enumerate(jobs) if job.region == name}, limit))
        for name, limit in policy.employer_caps.items():
            self.caps.append(({j for j, job in enumerate(jobs) if job.employer == name}, limit))
        self.quotas = [({i for i, w in enumerate(workers) if q.group in w.groups}, q) for q in policy.quotas]

    def quotas_hold(self, placed: int, members: tuple) -> bool:
        """Every quota, in people, given the people placed and the members placed per quota."""
        for mine, (_, q) in zip(members, self.quotas):
            if q.min_count is not None and mine < q.min_count:
                return False
            if q.min_share is not None and mine < q.min_share * placed - 1e-9:
                return False
            if q.max_share is not None and mine > q.max_share * placed + 1e-9:
                return False
        return True

    def optimum(self) -> float:
        """Best total over every combination of options; -inf when no combination keeps the quotas."""

        @functools.cache
        def best(i: int, room: tuple, seats: tuple, spent: float, caps: tuple, placed: int, members: tuple) -> float:
            if i == self.n:
                return 0.0 if self.quotas_hold(placed, members) else -math.inf
            top = best(i + 1, room, seats, spent, caps, placed, members)
            size = self.size[i]
            grown = tuple(mine + size * (i in group) for mine, (group, _) in zip(members, self.quotas))
            for (j, p), value in self.options[i].items():
                if room[j] < size:
                    continue
                in_caps = [c for c, (jobs, _) in enumerate(self.caps) if j in jobs]
                if any(caps[c] < size for c in in_caps):
                    continue
                new_seats, new_spent = seats, spent
                if p >= 0:
                    if seats[p] < size:
                        continue
                    new_spent = spent + self.cost[p] * size
                    if self.budget is not None and new_spent > self.budget + 1e-6:
                        continue
                    new_seats = (*seats[:p], seats[p] - size, *seats[p + 1 :])
                new_room = (*room[:j], room[j] - size, *room[j + 1 :])
                new_caps = tuple(left - size if c in in_caps else left for c, left in enumerate(caps))
                rest = best(i + 1, new_room, new_seats, new_spent, new_caps, placed + size, grown)
                top = max(top, value + rest)
            return top

        caps = tuple(limit for _, limit in self.caps)
        return best(0, tuple(self.capacity), tuple(self.seats), 0.0, caps, 0, (0,) * len(self.quotas))

    def value_of(self, job_of, program_of) -> float:
        """Total of a placement after checking every rule from scratch (AssertionError naming the broken one)."""
        job_of, program_of = np.asarray(job_of), np.asarray(program_of)
        assert job_of.shape == program_of.shape == (self.n,)
        total, load = 0.0, [0] * len(self.capacity)
        seats, spent = [0] * len(self.seats), 0.0
        caps, placed, members = [0] * len(self.caps), 0, [0] * len(self.quotas)
        for i in range(self.n):
            j, p = int(job_of[i]), int(program_of[i])
            if j < 0:
                assert p == -1, f"worker {i} trains in programme {p} but is unplaced"
                continue
            assert (j, p) in self.options[i], f"worker {i}: job {j} through programme {p} is no option"
            total += self.options[i][(j, p)]
            load[j] += self.size[i]
            placed += self.size[i]
            for c, (jobs, _) in enumerate(self.caps):
                caps[c] += self.size[i] if j in jobs else 0
            for g, (group, _) in enumerate(self.quotas):
                members[g] += self.size[i] if i in group else 0
            if p >= 0:
                seats[p] += self.size[i]
                spent += self.cost[p] * self.size[i]
        assert all(used <= cap for used, cap in zip(load, self.capacity)), (load, self.capacity)
        assert all(used <= limit for used, (_, limit) in zip(caps, self.caps)), caps
        assert self.quotas_hold(placed, tuple(members)), (placed, members)
        assert all(used <= have for used, have in zip(seats, self.seats)), (seats, self.seats)
        assert self.budget is None or spent <= self.budget + 1e-6, (spent, self.budget)
        return total


def check_limits(market: Market, policy: Policy, job_of, program_of) -> None:
    """Seats per programme, budget and capacities, recounted in people from the records."""
    job_of, program_of = np.asarray(job_of), np.asarray(program_of)
    assert np.all(program_of[job_of < 0] == -1), "an unplaced worker holds a training seat"
    seats = np.zeros(market.n_programs, dtype=np.int64)
    load = np.zeros(market.n_jobs, dtype=np.int64)
    spent = 0.0
    for i in np.flatnonzero(job_of >= 0):
        size = market.worker(int(i)).size
        load[job_of[i]] += size
        if program_of[i] >= 0:
            program = market.program(int(program_of[i]))
            seats[program_of[i]] += size
            spent += program.cost * size
    for p in range(market.n_programs):
        assert seats[p] <= market.program(p).seats, (p, seats[p], market.program(p).seats)
    for j in range(market.n_jobs):
        assert load[j] <= market.job(j).capacity, (j, load[j])
    if policy.training_budget is not None:
        assert spent <= policy.training_budget + 1e-6, (spent, policy.training_budget)


def check_trainees(market: Market, policy: Policy, job_of, program_of) -> int:
    """Each trainee was eligible, training mattered for its job, and the route beats the pair untrained."""
    job_of, program_of = np.asarray(job_of), np.asarray(program_of)
    direct = score_matrix(market, policy).astype(np.float64)  # float32 would swallow a difference of 1 ulp
    trainees = np.flatnonzero(program_of >= 0)
    for i in trainees.tolist():
        j, p = int(job_of[i]), int(program_of[i])
        assert j >= 0, f"trainee {i} has no job"
        worker, job, program = market.worker(i), market.job(j), market.program(p)
        held, after = worker.skills, after_training(worker, program)
        assert worker.trainable, worker.id
        assert all(held.get(s, 0) >= level for s, level in program.prerequisites.items()), (worker.id, program.id)
        assert any(held.get(s, 0) < level for s, level in program.grants.items()), (worker.id, program.id)
        # The programme raises some level the job asks for and the worker lacked.
        raised = [s for s, need in job.requires.items() if held.get(s, 0) < need and after.get(s, 0) > held.get(s, 0)]
        assert raised, (worker.id, job.id, program.id)
        if "skill" in policy.hard:
            assert all(after.get(s, 0) >= need for s, need in job.requires.items()), (worker.id, job.id)
        value = trained_score(market, policy, i, j, p) - loss(policy, program)
        assert value > direct[i, j], (worker.id, job.id, program.id, value, float(direct[i, j]))
    return len(trainees)


def with_programs(market: Market, seats=None, cost=None) -> Market:
    """The market rebuilt from its records with some programmes' seats or cost changed."""
    programs = []
    for p in range(market.n_programs):
        program = market.program(p)
        changes = {}
        if seats is not None:
            changes["seats"] = int(seats[p])
        if cost is not None:
            changes["cost"] = float(cost[p])
        programs.append(dataclasses.replace(program, **changes))
    workers = [market.worker(i) for i in range(market.n_workers)]
    return Market(workers, [market.job(j) for j in range(market.n_jobs)], programs)


# ----------------------------------------------------------------------------- tiny markets


def _w(id, **kw):
    return Worker(**{"id": id, "origin": "巫溪", "min_wage": 3500, **kw})


def _j(id, **kw):
    return Job(**{"id": id, "employer": "泰安机械", "region": "泰安", "capacity": 1, "wage": 4500, **kw})


def _p(id, **kw):
    return TrainingProgram(**{"id": id, "seats": 1, "cost": 1800, "weeks": 4, "region": "城口", **kw})


def hand_market() -> Market:
    workers = [
        _w("巫溪-甲", skills={"cooking": 1}),  # lacks cooking 2: only the cooking course opens 泰安-厨师
        _w("巫溪-乙", trainable=False),  # lacks every skill and cannot train
        _w("城口-丙", skills={"cooking": 2}),  # no assembly: the welding course's prerequisite is missing
        _w("武隆-丁", skills={"assembly": 1, "welding": 1}, size=2),  # a couple, eligible for welding
    ]
    jobs = [
        _j("泰安-厨师", requires={"cooking": 2}, capacity=2),
        _j("济南-焊工", region="济南", employer="济南电子", requires={"welding": 3}, capacity=2, wage=5200),
        _j("淄博-普工", region="淄博", employer="淄博纺织", capacity=1, wage=3600),
    ]
    programs = [
        _p("城口-烹饪", grants={"cooking": 2}, seats=1),
        _p("武隆-焊接", grants={"welding": 3}, prerequisites={"assembly": 1}, seats=2, cost=2500, weeks=6),
    ]
    return Market(workers, jobs, programs)


HAND_POLICIES = [
    Policy(),
    Policy(hard=SOFT_SKILLS),
    Policy(training_budget=2000),  # one cooking trainee, or nobody in welding (a couple costs 5,000)
    Policy(training_budget=5000, week_penalty=0.02, cost_penalty=0.05),
    Policy(hard=SOFT_SKILLS, region_caps={"济南": 1}),
]

SKILLS = ("cooking", "焊接")
WORKER_IDS = ("巫溪-甲", "城口-乙", "武隆-丙", "石柱-丁", "奉节-戊")
JOB_IDS = ("泰安-01", "济南-02", "淄博-03")
PROGRAM_IDS = ("城口-烹饪", "武隆-焊接")
POOR = "poverty_alleviated"
QUOTAS = [
    [],
    [],
    [],
    [GroupQuota(POOR, min_share=0.5)],
    [GroupQuota(POOR, min_count=2)],
    [GroupQuota(POOR, max_share=0.5)],
]


@st.composite
def tiny_cases(draw):
    """(market, policy): 3-5 workers, 2-3 jobs, 1-2 programmes with 0-2 seats, optional budget and cap."""
    n, m, q = draw(st.integers(3, 5)), draw(st.integers(2, 3)), draw(st.integers(1, 2))
    held = st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 2), max_size=1)
    needed = st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 3), min_size=1, max_size=1)
    both = st.fixed_dictionaries({skill: st.integers(1, 2) for skill in SKILLS})
    workers = [
        Worker(
            id=WORKER_IDS[i],
            origin=draw(st.sampled_from(["巫溪", "城口"])),
            min_wage=draw(st.sampled_from([3000.0, 3000.0, 4000.0, 4600.0])),
            skills=draw(held),
            trainable=draw(st.sampled_from([True, True, False])),
            size=draw(st.integers(1, 2)),
            preferred_regions=draw(st.frozensets(st.sampled_from(["泰安", "济南"]), max_size=1)),
            groups=draw(st.frozensets(st.just(POOR))),
        )
        for i in range(n)
    ]
    jobs = [
        Job(
            id=JOB_IDS[j],
            employer=draw(st.sampled_from(["泰安机械", "济南电子"])),
            region=draw(st.sampled_from(["泰安", "济南"])),
            capacity=draw(st.sampled_from([1, 2, 3, 0])),
            wage=draw(st.sampled_from([3500.0, 4200.0, 5000.0])),
            requires=draw(st.one_of(needed, needed, both, st.just({}))),
        )
        for j in range(m)
    ]
    programs = []
    for p in range(q):
        grants = draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(2, 3), min_size=1, max_size=2))
        prerequisites = {}
        for skill in draw(st.sampled_from([[], [], SKILLS[:1], SKILLS[1:]])):
            prerequisites[skill] = draw(st.integers(1, grants[skill] - 1 if skill in grants else 2))
        programs.append(
            TrainingProgram(
                id=PROGRAM_IDS[p],
                grants=grants,
                prerequisites=prerequisites,
                seats=draw(st.sampled_from([1, 2, 1, 0])),
                cost=100.0 * draw(st.integers(0, 30)),
                weeks=draw(st.integers(1, 8)),
                region="城口",
            )
        )
    policy = Policy(
        hard=draw(st.sampled_from([frozenset({"skill", "wage"}), SOFT_SKILLS])),
        training_budget=draw(st.one_of(st.none(), st.integers(0, 60).map(lambda c: 100.0 * c))),
        week_penalty=draw(st.sampled_from([0.0, 0.005, 0.02])),
        cost_penalty=draw(st.sampled_from([0.0, 0.005, 0.05])),
        region_caps=draw(st.one_of(st.just({}), st.integers(0, 2).map(lambda c: {"泰安": c}))),
        quotas=draw(st.sampled_from(QUOTAS)),
    )
    # A cap or quota must name what the market has (a typo is an error): drop those this draw left unused.
    if not any(job.region == "泰安" for job in jobs):
        policy = dataclasses.replace(policy, region_caps={})
    if not any(POOR in worker.groups for worker in workers):
        policy = dataclasses.replace(policy, quotas=[])
    return Market(workers, jobs, programs), policy


def check_against_reference(market: Market, policy: Policy) -> None:
    ref = Reference(market, policy)
    best = ref.optimum()
    n, m = market.n_workers, market.n_jobs
    r = routes(market, policy, k=m, train_k=m, per_seat=1000)

    exact = solve_exact(r)
    priced = solve_priced(r)
    full = match(market, policy, k=m, solver="cpsat")
    default = match(market, policy)
    if best == -math.inf:  # the quotas cannot hold
        assert exact.status is Status.INFEASIBLE and full.status is Status.INFEASIBLE
        assert priced.status in (Status.INFEASIBLE, Status.UNKNOWN) and default.status is not Status.OPTIMAL
        return
    assert exact.status is Status.OPTIMAL
    assert exact.objective == pytest.approx(best, abs=tol(n))
    assert ref.value_of(exact.job_of, exact.program_of) == pytest.approx(exact.objective, abs=1e-9)
    assert exact.bound >= best - tol(n)

    assert priced.bound >= best - tol(n)
    assert priced.status in (Status.OPTIMAL, Status.FEASIBLE), (priced, priced.diagnosis)
    assert ref.value_of(priced.job_of, priced.program_of) == pytest.approx(priced.objective, abs=1e-9)
    assert priced.objective <= best + tol(n)
    if priced.status is Status.OPTIMAL:
        assert priced.objective == pytest.approx(best, abs=tol(n))

    assert full.status is Status.OPTIMAL
    assert full.objective == pytest.approx(best, abs=tol(n))
    assert ref.value_of(full.job_of, full.program_of) == pytest.approx(full.objective, abs=1e-9)
    if full.result.program_of is not None:  # None when no route was on offer
        assert np.array_equal(full.program_of, full.result.program_of)
    else:
        assert r.n_routes == 0 and np.all(full.program_of == -1)

    assert default.status in (Status.OPTIMAL, Status.FEASIBLE), default
    assert ref.value_of(default.job_of, default.program_of) == pytest.approx(default.objective, abs=1e-9)
    assert default.objective <= best + tol(n)
    # Defaults: k=20 and train_k=5 cover every job here; per_seat=4 keeps every worker while 4 * seats >= n.
    # Without routes "auto" is flow, which may split a couple and then says FEASIBLE with a bound.
    if all(4 * s >= n for s in ref.seats if s > 0):
        assert default.bound >= best - tol(n)
        if default.status is Status.OPTIMAL:
            assert default.objective == pytest.approx(best, abs=tol(n))

    for job_of, program_of in (
        (exact.job_of, exact.program_of),
        (priced.job_of, priced.program_of),
        (full.job_of, full.program_of),
        (default.job_of, default.program_of),
    ):
        check_limits(market, policy, job_of, program_of)
        check_trainees(market, policy, job_of, program_of)


@pytest.mark.parametrize("policy", HAND_POLICIES, ids=range(len(HAND_POLICIES)))
def test_hand_market_against_brute_force(policy):
    market = hand_market()
    check_against_reference(market, policy)
    a = match(market, policy, solver="cpsat")
    assert a.program("巫溪-乙") is None  # untrainable
    assert a.program("城口-丙") != "武隆-焊接"  # lacks the assembly prerequisite
    assert a.program("城口-丙") != "城口-烹饪"  # already holds what the cooking course grants
    for worker_id in ("巫溪-甲", "武隆-丁"):
        i = market.worker_index(worker_id)
        p = int(a.program_of[i])
        assert a.program(worker_id) == (None if p < 0 else market.program(p).id)


def test_hand_market_trains_where_only_training_opens_a_job():
    # 巫溪-甲 can take no job without cooking 2 when skills are hard (淄博-普工 pays 3,600 >= 3,500, so give it
    # a higher floor): the seat in 城口-烹饪 is the only way to place them, and a placement is worth > 0.
    market = hand_market()
    workers = [market.worker(i) for i in range(market.n_workers)]
    workers[0] = dataclasses.replace(workers[0], min_wage=4000)
    market = Market(workers, [market.job(j) for j in range(market.n_jobs)], [market.program(0), market.program(1)])
    for solver in ("cpsat", "flow"):
        a = match(market, Policy(), solver=solver)
        assert a.program("巫溪-甲") == "城口-烹饪", solver
        assert market.jobs.ids[a.job_of[0]] == "泰安-厨师", solver
    # Without the seat, the same worker stays unplaced.
    closed = match(market, Policy(), solver="cpsat", training=False)
    assert closed.job_of[0] == -1


def test_free_programme_fits_a_zero_budget():
    market = Market(
        [_w("巫溪-甲", skills={"cooking": 1})],
        [_j("泰安-厨师", requires={"cooking": 2})],
        [_p("城口-烹饪", grants={"cooking": 2}, cost=0)],
    )
    a = match(market, Policy(training_budget=0), solver="cpsat")
    assert a.program("巫溪-甲") == "城口-烹饪" and a.job_of.tolist() == [0]
    check_against_reference(market, Policy(training_budget=0))


def records(market: Market) -> str:
    """The market's records, for hypothesis to show with a failing case."""
    rows = [market.worker(i) for i in range(market.n_workers)] + [market.job(j) for j in range(market.n_jobs)]
    return "\n".join(map(repr, rows + [market.program(p) for p in range(market.n_programs)]))


def test_programmes_with_the_same_grants_keep_their_own_seats_and_penalties():
    # Two cooking courses alike but for seats, cost and length: scored once, charged and counted apart.
    market = Market(
        [_w("巫溪-甲", skills={"cooking": 1}), _w("巫溪-乙", skills={"cooking": 1})],
        [_j("泰安-厨师", requires={"cooking": 2}, capacity=2)],
        [
            _p("城口-烹饪", grants={"cooking": 2}, seats=1, cost=1800, weeks=4),
            _p("巫溪-烹饪", grants={"cooking": 2}, seats=1, cost=3000, weeks=8),
        ],
    )
    both = match(market, Policy(), solver="cpsat")
    assert sorted(both.program(w) for w in ("巫溪-甲", "巫溪-乙")) == ["城口-烹饪", "巫溪-烹饪"]
    after = trained_score(market, Policy(), 0, 0, 0)
    expected = 2 * after - loss(Policy(), market.program(0)) - loss(Policy(), market.program(1))
    assert both.objective == pytest.approx(expected, abs=tol(2))
    # 4,000 CNY pays for one course only: one trainee, in the cheaper and shorter one.
    one = match(market, Policy(training_budget=4000), solver="cpsat")
    assert sorted(map(str, (one.program(w) for w in ("巫溪-甲", "巫溪-乙")))) == ["None", "城口-烹饪"]
    for policy in (Policy(), Policy(training_budget=4000)):
        check_against_reference(market, policy)


@FAST
@given(tiny_cases())
def test_tiny_markets_against_brute_force(case):
    note(records(case[0]))
    check_against_reference(*case)


def test_priced_when_the_last_worker_has_no_option():
    # Regression: the priced solver looks up an arc for every worker, placed or not.  The last worker here has
    # no arc at all (no job pays 9,000), so its made-up key sorts after every arc.
    market = Market(
        [_w("巫溪-甲", skills={"cooking": 1}), _w("城口-乙", min_wage=9000)],
        [_j("泰安-厨师", requires={"cooking": 2})],
        [_p("城口-烹饪", grants={"cooking": 2})],
    )
    r = routes(market, Policy())
    assert r.n_routes == 1
    best = Reference(market, Policy()).optimum()
    result = solve_priced(r)
    assert result.objective == pytest.approx(best, abs=tol(2))
    assert match(market, Policy(), solver="flow").program("巫溪-甲") == "城口-烹饪"


def test_priced_finds_an_assignment_when_a_couple_carries_the_quota():
    # The quota needs the couple 巫溪-甲 placed (2 people), which only 济南-02 can take: a feasible market,
    # which CP-SAT solves, and on which the priced solver should find an assignment too.
    market = Market(
        [_w("巫溪-甲", groups={"poverty_alleviated"}, size=2), _w("城口-乙"), _w("武隆-丙"), _w("石柱-丁")],
        [_j("泰安-01", requires={"cooking": 1}), _j("济南-02", region="济南", capacity=2, wage=3500)],
        [_p("城口-烹饪", grants={"cooking": 2}, cost=0, weeks=1)],
    )
    policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_count=2)])
    ref = Reference(market, policy)
    best = ref.optimum()
    r = routes(market, policy)
    assert solve_exact(r).objective == pytest.approx(best, abs=tol(4))
    priced = solve_priced(r)
    assert priced.bound >= best - tol(4)
    assert priced.status in (Status.OPTIMAL, Status.FEASIBLE), (priced, priced.diagnosis)
    assert ref.value_of(priced.job_of, priced.program_of) == pytest.approx(priced.objective, abs=1e-9)
    assert priced.job_of[0] == 1  # the couple is placed


# ----------------------------------------------------------------------------- synthetic markets


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    seats=st.lists(st.integers(0, 3), min_size=3, max_size=3),
    budget=st.one_of(st.none(), st.integers(0, 8000)),
)
def test_seats_and_budget_never_exceeded(seed, seats, budget):
    market = with_programs(synth.scenario(40, 6, 3, seed=seed), seats=seats)
    policy = Policy(training_budget=budget)
    r = routes(market, policy)
    results = {
        "exact": solve_exact(r),
        "priced": solve_priced(r),
        "match flow": match(market, policy, solver="flow"),
        "match auto": match(market, policy),
    }
    for name, result in results.items():
        assert result.status in (Status.OPTIMAL, Status.FEASIBLE), name
        check_limits(market, policy, result.job_of, result.program_of)
        check_trainees(market, policy, result.job_of, result.program_of)
    assert results["priced"].objective <= results["exact"].objective + tol(40)
    assert results["priced"].bound >= results["exact"].objective - tol(40)


@pytest.mark.parametrize("seed", [1, 5])
@pytest.mark.parametrize("hard", [frozenset({"skill", "wage"}), SOFT_SKILLS], ids=["hard", "soft"])
def test_synthetic_trainees_are_eligible_and_gain(seed, hard):
    market = with_programs(synth.scenario(80, 10, 4, seed=seed), seats=[2, 3, 1, 2])
    policy = Policy(hard=hard, training_budget=9000)
    trained = 0
    for solver in ("cpsat", "flow"):
        a = match(market, policy, solver=solver)
        check_limits(market, policy, a.job_of, a.program_of)
        trained += check_trainees(market, policy, a.job_of, a.program_of)
        assert a.bound >= a.objective - tol(market.n_workers)
    assert trained > 0  # the checks above looked at somebody


# ----------------------------------------------------------------------------- no training possible


def _same(a, b):
    assert a.status is b.status
    assert np.array_equal(a.job_of, b.job_of)
    assert a.objective == b.objective or (math.isnan(a.objective) and math.isnan(b.objective))
    assert np.all(a.program_of == -1)


@pytest.mark.parametrize("solver", ["cpsat", "flow", "auto"])
def test_zero_seats_zero_budget_or_no_programmes_change_nothing(solver):
    market = synth.scenario(80, 10, 3, seed=2)
    assert np.all(market.programs.cost > 0)
    open_ = match(market, Policy(), solver=solver)
    assert np.any(open_.program_of >= 0)  # training does happen here, so the comparisons below mean something
    untrained = match(market, Policy(), solver=solver, training=False)
    _same(match(with_programs(market, seats=[0, 0, 0]), Policy(), solver=solver), untrained)
    _same(
        match(market, Policy(training_budget=0), solver=solver),
        match(market, Policy(training_budget=0), training=False, solver=solver),
    )
    bare = synth.scenario(80, 10, 0, seed=2)
    a = match(bare, Policy(), solver=solver)
    _same(a, match(bare, Policy(), solver=solver, training=False))
    assert a.routes is None and a.result.program_of is None


@FAST
@given(tiny_cases())
def test_tiny_zero_seats_equal_no_training(case):
    market, policy = case
    closed = with_programs(market, seats=[0] * market.n_programs)
    for solver in ("cpsat", "auto"):  # flow refuses caps with couples; auto picks what can express them
        _same(match(closed, policy, solver=solver), match(market, policy, solver=solver, training=False))


# ----------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("solver", ["cpsat", "flow"])
def test_same_input_same_answer(solver):
    policy = Policy(training_budget=6000, week_penalty=0.01)
    first = match(with_programs(synth.scenario(120, 12, 3, seed=9), seats=[2, 1, 3]), policy, solver=solver, seed=3)
    again = match(with_programs(synth.scenario(120, 12, 3, seed=9), seats=[2, 1, 3]), policy, solver=solver, seed=3)
    assert np.array_equal(first.job_of, again.job_of)
    assert np.array_equal(first.program_of, again.program_of)
    assert first.objective == again.objective


# ----------------------------------------------------------------------------- validation


def _error(call) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value


@pytest.mark.parametrize("level", [2, 3])
def test_prerequisite_at_or_above_the_granted_level(level):
    err = _error(lambda: _p("城口-烹饪", grants={"cooking": 2}, prerequisites={"cooking": level}))
    assert err.record == "TrainingProgram '城口-烹饪'"
    assert err.field == "prerequisites['cooking']"
    assert err.got == level
    assert "城口-烹饪" in str(err)
    _p("城口-烹饪", grants={"cooking": 2}, prerequisites={"cooking": 1})  # below: fine


@pytest.mark.parametrize(("field", "value"), [("seats", -1), ("cost", -5.0), ("weeks", 0)])
def test_negative_seats_and_cost(field, value):
    err = _error(lambda: _p("武隆-焊接", grants={"welding": 3}, **{field: value}))
    assert err.record == "TrainingProgram '武隆-焊接'"
    assert err.field == field
    assert err.got == value


@pytest.mark.parametrize("where", ["grants", "prerequisites"])
def test_unknown_skill_in_a_programme(where):
    levels = {"grants": {"welding": 3}, "prerequisites": {}}
    levels[where] = {**levels[where], "weldng": 1 if where == "prerequisites" else 3}
    program = _p("武隆-焊接", **levels)
    err = _error(lambda: Market([_w("巫溪-甲")], [_j("泰安-01")], [program], skills=["welding", "cooking"]))
    assert err.record == "TrainingProgram '武隆-焊接'"
    assert err.field == f"{where}['weldng']"
    assert err.got == "weldng"
    Market([_w("巫溪-甲")], [_j("泰安-01")], [program], skills=["welding", "weldng"])  # in the catalogue: fine


def test_prerequisite_rule_also_holds_for_frames():
    pd = pytest.importorskip("pandas")
    workers = pd.DataFrame({"id": ["巫溪-甲"], "origin": ["巫溪"], "min_wage": [3500]})
    jobs = pd.DataFrame({"id": ["泰安-01"], "employer": ["E"], "region": ["泰安"], "capacity": [1], "wage": [4500.0]})
    programs = pd.DataFrame(
        {
            "id": ["城口-烹饪"],
            "grants": ["cooking:2"],
            "prerequisites": ["cooking:2"],
            "seats": [3],
            "cost": [1800.0],
            "weeks": [4],
            "region": ["城口"],
        }
    )
    err = _error(lambda: Market.from_frames(workers, jobs, programs))
    assert err.record == "TrainingProgram '城口-烹饪'"
    assert err.field == "prerequisites['cooking']"


@pytest.mark.parametrize("name", ["week_penalty", "cost_penalty"])
@pytest.mark.parametrize("value", [-0.1, math.inf, math.nan, True])
def test_penalties_are_checked(name, value):
    err = _error(lambda: Policy(**{name: value}))
    assert err.record == "Policy" and err.field == name


def test_priced_retries_the_restricted_solve_with_the_cpsat_finish():
    # Regression (found by test_tiny_markets_against_brute_force): one seat, two trainees wanted, and a quota
    # only the couple 石柱-丁 can meet.  The restricted solves (one trainee kept) need lagrangian's CP-SAT
    # finish to find an assignment, as the round's own solve does; without it no assignment was ever found.
    market = Market(
        [_w(name, min_wage=3000) for name in ("巫溪-甲", "城口-乙", "武隆-丙")]
        + [_w("石柱-丁", min_wage=3000, groups={"poverty_alleviated"}, size=2)],
        [
            _j("泰安-01", wage=3500, requires={"cooking": 1}),
            _j("济南-02", capacity=2, wage=3500, requires={"cooking": 1}),
        ],
        [_p("城口-烹饪", grants={"cooking": 2}, cost=0, weeks=1)],
    )
    policy = Policy(hard=frozenset({"wage"}), quotas=[GroupQuota("poverty_alleviated", min_count=2)])
    r = routes(market, policy, k=2, train_k=2, per_seat=1000)
    best = Reference(market, policy).optimum()
    priced = solve_priced(r)
    assert priced.status in (Status.OPTIMAL, Status.FEASIBLE), priced.diagnosis
    assert priced.objective == pytest.approx(best, abs=tol(4)) and priced.bound >= best - tol(4)


# ----------------------------------------------------------------------------- options


def test_priced_runs_lagrangian_without_its_finish_and_retries_with_it(monkeypatch):
    from jobmatch.solvers import lagrangian, registry
    from jobmatch.solvers._pack import pack

    market = with_programs(synth.scenario(150, 12, 3, seed=3), seats=[3, 2, 4])
    policy = Policy(training_budget=3000, quotas=[GroupQuota("poverty_alleviated", min_share=0.85)])
    r = routes(market, policy)
    before = solve_priced(r)
    calls = []
    real = lagrangian.solve_lagrangian

    def unknown_once(problem, /, *, finish=True, **kwargs):
        calls.append(finish)
        if len(calls) == 1:  # no assignment found in the first round: solved again, with the finish
            return pack(problem, Status.UNKNOWN, None, "lagrangian", 0.0)
        return real(problem, finish=finish, **kwargs)

    entry = registry._REGISTRY["lagrangian"]
    monkeypatch.setitem(registry._REGISTRY, "lagrangian", dataclasses.replace(entry, fn=unknown_once))
    again = solve_priced(r)
    assert calls[:2] == [False, True] and set(calls[2:]) == {False}  # one retry with the CP-SAT finish
    assert again.solver == before.solver == "priced/lagrangian"


def test_match_passes_training_options_to_the_method_that_runs(monkeypatch):
    from jobmatch.solvers import OptionWarning, training

    market = with_programs(synth.scenario(80, 10, 3, seed=2), seats=[2, 1, 2])
    policy = Policy(training_budget=6000)
    assert match(market, policy).result.solver == "cpsat"  # small: exact
    with pytest.warns(OptionWarning, match=r"training method 'cpsat' takes no option 'hint'.*its options: none"):
        match(market, policy, options={"hint": [0] * market.n_workers})
    with pytest.warns(OptionWarning, match=r"a warm start is not used when training is offered"):
        match(market, policy, warm=WarmStart(hint=[0] * market.n_workers))
    monkeypatch.setattr(training, "EXACT_COLUMNS", 0)  # auto prices from here on
    flow = match(market, policy, solver="flow")
    inner = match(market, policy, options={"inner": "flow"})
    assert inner.result.solver == flow.result.solver == "priced/flow"
    assert np.array_equal(inner.job_of, flow.job_of) and inner.objective == flow.objective
    with pytest.warns(OptionWarning, match=r"training method 'priced' takes no option 'finish'.*'inner'"):
        match(market, policy, options={"finish": False})
    with pytest.raises(ValidationError) as caught:
        match(market, policy, solver="flow", options={"inner": "lagrangian"})
    assert caught.value.field == "inner"
    with pytest.raises(ValidationError) as caught:
        match(market, policy, options=["inner"])
    assert caught.value.field == "options"
    untrained = match(market, policy, training=False, solver="cpsat", warm=WarmStart(hint=flow.job_of))
    assert untrained.result.solver == "cpsat"
