from _tally import attempt, refused
from hypothesis import given, strategies as st

from jobmatch.data.schema import POSITIVE, param


@given(st.integers())
def test_param(k):
    attempt("param", param, "x", "k", k, POSITIVE)
    if k < 1:
        refused("param", param, "x", "k", k, POSITIVE)
