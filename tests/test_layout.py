"""Portal exports as they come: columns mapped onto fields, flag columns read as groups, extra columns ignored."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from jobmatch import Market, ValidationError, match
from jobmatch.cli import main
from jobmatch.data.layout import Layout, flag_value
from jobmatch.exceptions import ColumnWarning


def _export():
    """A raw portal export: its own id column name, a name and a phone, a yes/no poverty flag."""
    workers = pd.DataFrame({
        "工号": ["001", "002", "003"],
        "姓名": ["张三", "李四", "王五"],
        "phone": ["138", "139", "137"],
        "origin": ["巫溪", "城口", "巫溪"],
        "min_wage": [3000, 3200, 3100],
        "poverty_alleviated": ["Y", "否", None],
        "groups": ["female", "", "Poverty_Alleviated"],
    })  # fmt: skip
    jobs = pd.DataFrame({"id": ["J1"], "employer": ["E"], "region": ["泰安"], "capacity": [3], "wage": [4000]})
    return workers, jobs


def test_a_raw_export_reads_with_a_mapping_and_flag_groups():
    workers, jobs = _export()
    with pytest.warns(ColumnWarning, match=r"2 column\(s\) ignored, not Worker fields: '姓名', 'phone'"):
        market = Market.from_frames(workers, jobs, columns={"workers": {"工号": "id"}},
                                    groups_from={"poverty_alleviated": "poverty_alleviated"})  # fmt: skip
    assert market.workers.ids.tolist() == ["001", "002", "003"]
    assert market.worker("001").groups == {"female", "poverty_alleviated"}
    assert market.worker("002").groups == frozenset()
    assert market.worker("003").groups == {"poverty_alleviated"}  # listed already, in another spelling: once
    assert list(market.vocab.group) == ["female", "poverty_alleviated"]  # one name, its first spelling
    with warnings.catch_warnings():
        warnings.simplefilter("error", ColumnWarning)  # dropped on purpose: no warning
        Market.from_frames(workers, jobs, columns={"workers": {"工号": "id", "姓名": None, "phone": None}},
                           groups_from={"poverty_alleviated": "poverty_alleviated"})  # fmt: skip


@pytest.mark.parametrize(
    ("columns", "groups_from", "message"),
    [
        (
            {"workers": {"工号": "idd"}},
            {},
            r"columns\['workers'\]\['工号'\] must be a field of workers or None \(close: 'id'\)",
        ),
        ({"workers": {"工号": "id", "phone": "id"}}, {}, "each field from one column"),
        ({"people": {}}, {}, "columns key must be one of"),
        ({"workers": {"工 号": "id"}}, {}, r"columns\['workers'\] must be columns the frame has \(close: '工号'\)"),
        ({"workers": {"工号": "id"}}, {"poverty": "poverty_alleviated"}, "groups_from must be columns the workers"),
        ({"workers": {"工号": "id"}}, {"poverty_alleviated": ""}, "a group name"),
    ],
)
def test_a_bad_mapping_is_named(columns, groups_from, message):
    workers, jobs = _export()
    with pytest.raises(ValidationError, match=message), warnings.catch_warnings():
        warnings.simplefilter("ignore", ColumnWarning)
        Market.from_frames(workers, jobs, columns=columns, groups_from=groups_from)


def test_a_bad_flag_names_the_worker_and_the_column():
    workers, jobs = _export()
    workers.loc[1, "poverty_alleviated"] = "maybe"
    with pytest.raises(ValidationError, match=r"Worker '002': poverty_alleviated must be yes or no .* got 'maybe'"):
        Market.from_frames(workers.drop(columns=["姓名", "phone"]), jobs, columns={"workers": {"工号": "id"}},
                           groups_from={"poverty_alleviated": "poverty_alleviated"})  # fmt: skip


def test_a_column_close_to_a_missing_field_is_a_typo_not_an_extra():
    workers, jobs = _export()
    workers = workers.rename(columns={"origin": "orign"}).drop(columns=["姓名", "phone"])
    with pytest.raises(ValidationError, match=r"is 'orign' a typo of 'origin'\? map it or drop it with columns="):
        Market.from_frames(workers, jobs, columns={"workers": {"工号": "id"}})


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Y", True), ("n", False), ("YES", True), ("no", False), ("true", True), ("False", False), ("1", True),
     ("0", False), ("是", True), ("否", False), (1, True), (0.0, False), (True, True), (None, False), ("", None),
     ("maybe", None), (2, None)],
)  # fmt: skip
def test_flag_spellings(value, expected):
    assert flag_value(value) is expected or (expected is None and flag_value(value) is None)


def test_layout_json_and_the_command_line(tmp_path, capsys):
    workers, jobs = _export()
    workers.to_csv(tmp_path / "w.csv", index=False)
    jobs.to_csv(tmp_path / "j.csv", index=False)
    layout = '{"workers": {"工号": "id", "phone": null}, "groups_from": {"poverty_alleviated": "poverty_alleviated"}}'
    (tmp_path / "columns.json").write_text(layout, encoding="utf-8")
    assert Layout.from_json(layout).columns["workers"]["phone"] is None
    argv = [str(tmp_path / "w.csv"), str(tmp_path / "j.csv"), "--columns", str(tmp_path / "columns.json")]
    assert main(["validate", *argv]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ok: 3 workers") and "note: w.csv: 1 column(s) ignored, not worker fields: '姓名'" in err
    assert main(["match", *argv, "--out", str(tmp_path / "p.csv"), "--no-progress"]) == 0
    workers.loc[0, "poverty_alleviated"] = "maybe"
    workers.to_csv(tmp_path / "w.csv", index=False)
    assert main(["validate", *argv]) == 2
    assert "w.csv row 1, column poverty_alleviated: yes or no for group 'poverty_alleviated', got 'maybe'" in (
        capsys.readouterr().err
    )
    assert main(["validate", str(tmp_path / "w.csv"), str(tmp_path / "j.csv")]) == 2  # no mapping: no id column
    for bad, said in (("{", "valid JSON"), ('{"worker": {}}', "keys must be only")):
        (tmp_path / "columns.json").write_text(bad, encoding="utf-8")
        assert main(["validate", *argv]) == 2
        assert said in capsys.readouterr().err


def test_the_flag_group_counts_in_a_quota():
    from jobmatch import GroupQuota, Policy

    workers, jobs = _export()
    market = Market.from_frames(workers.drop(columns=["姓名", "phone", "groups"]), jobs,
                                columns={"workers": {"工号": "id"}},
                                groups_from={"poverty_alleviated": "poverty_alleviated"})  # fmt: skip
    placed = match(market, Policy(quotas=[GroupQuota("poverty_alleviated", min_count=1)]))
    assert placed.metrics()["group_share"]["poverty_alleviated"] > 0
