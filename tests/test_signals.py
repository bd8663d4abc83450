"""Git signals: exact window edges, monthly buckets, unavailable history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from gitrepo import Repo
from rung.collect.facts import GitFacts
from rung.collect.history import read_history
from rung.collect.signals import KEYS, git_signals

AS_OF = datetime(2026, 11, 26, 0, 0, 0, tzinfo=UTC)


def ts(d: datetime) -> int:
    return int(d.timestamp())


def test_window_edges_exact() -> None:
    commits = (
        (ts(AS_OF + timedelta(seconds=1)), "later@x"),  # after as_of: only in the total
        (ts(AS_OF), "edge-in@x"),  # exactly as_of: in
        (ts(AS_OF - timedelta(days=90)) + 1, "just-in@x"),
        (ts(AS_OF - timedelta(days=90)), "edge-out@x"),  # exactly as_of - 90d: out
        (ts(datetime(2016, 3, 1, 10, tzinfo=UTC)), "old@x"),
    )
    s = git_signals(GitFacts(available=True, head="h", commits=commits), AS_OF)
    assert s["git.commits_total"] == 5
    assert s["git.commits_90d"] == 2
    assert s["git.authors_90d"] == 2
    assert s["git.first_commit"] == "2016-03-01T10:00:00Z"
    assert s["git.last_commit"] == "2026-11-26T00:00:01Z"
    assert s["age_days"] == (AS_OF - datetime(2016, 3, 1, 10, tzinfo=UTC)).days
    monthly = s["git.monthly_commits"]
    assert isinstance(monthly, dict)
    assert list(monthly) == ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
    assert monthly["2026-11"] == 1  # the later commit is not counted
    assert monthly["2026-08"] == 2  # just-in and edge-out: 2026-08-28
    assert sum(monthly.values()) == 3


def test_naive_as_of_is_utc_and_same_email_counted_once() -> None:
    t = ts(datetime(2026, 11, 1, tzinfo=UTC))
    g = GitFacts(available=True, commits=((t, "a@x"), (t - 10, "a@x"), (t - 20, "b@x")))
    s = git_signals(g, datetime(2026, 11, 26))
    assert s["git.commits_90d"] == 3 and s["git.authors_90d"] == 2
    assert s["age_days"] == 25


def test_unavailable_history_is_all_none() -> None:
    s = git_signals(GitFacts(available=False, reason="no commits"), AS_OF)
    assert list(s) == list(KEYS)
    assert all(v is None for v in s.values())


def test_available_but_no_commits() -> None:
    s = git_signals(GitFacts(available=True, head="h"), AS_OF)
    assert s["git.commits_total"] == 0 and s["git.commits_90d"] == 0
    assert s["git.first_commit"] is None and s["age_days"] is None
    monthly = s["git.monthly_commits"]
    assert isinstance(monthly, dict) and len(monthly) == 12 and not any(monthly.values())


def test_from_a_real_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"a": "1"}, email="Old@X.example", date="2024-01-10T12:00:00+00:00")
    repo.commit({"a": "2"}, email="new@x.example", date="2026-10-01T12:00:00+00:00")
    repo.commit({"a": "3"}, email="NEW@x.example", date="2026-11-20T12:00:00+00:00")
    s = git_signals(read_history(str(repo.path), ["."])["."], AS_OF)
    assert s["git.commits_total"] == 3
    assert s["git.commits_90d"] == 2
    assert s["git.authors_90d"] == 1
    assert s["git.first_commit"] == "2024-01-10T12:00:00Z"
    assert s["git.last_commit"] == "2026-11-20T12:00:00Z"
    monthly = s["git.monthly_commits"]
    assert isinstance(monthly, dict)
    assert monthly["2026-10"] == 1 and monthly["2026-11"] == 1


def test_monthly_buckets_at_month_edges() -> None:
    """Each commit counts in its UTC calendar month, as its "%Y-%m" date says, at the
    first and last second of a month, across a year end and at as_of itself."""
    as_of = datetime(2026, 2, 14, 9, 30, tzinfo=UTC)
    edges = [
        datetime(2025, 3, 1, tzinfo=UTC),  # first instant of the oldest month
        datetime(2025, 3, 1, tzinfo=UTC) - timedelta(seconds=1),  # just before it
        datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 2, 1, tzinfo=UTC) - timedelta(seconds=1),
        as_of,
        as_of + timedelta(seconds=1),  # after as_of: not counted
    ]
    times = [ts(d) for d in edges]
    s = git_signals(
        GitFacts(available=True, head="h", commits=tuple((t, "a@x") for t in times)), as_of
    )
    expected = dict.fromkeys([f"2025-{m:02d}" for m in range(3, 13)] + ["2026-01", "2026-02"], 0)
    for t in times:
        key = datetime.fromtimestamp(t, UTC).strftime("%Y-%m")
        if t <= as_of.timestamp() and key in expected:
            expected[key] += 1
    assert s["git.monthly_commits"] == expected
    assert list(expected.values()) == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1]


def _plain_signals(git: GitFacts, as_of: datetime) -> dict[str, object]:
    """checks.md's definitions, commit by commit (the reference for git_signals)."""
    now = as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of.astimezone(UTC)
    end, start = now.timestamp(), (now - timedelta(days=90)).timestamp()
    times = [t for t, _ in git.commits]
    recent = [(t, e) for t, e in git.commits if start < t <= end]
    months: list[str] = []
    year, month = now.year, now.month
    for _ in range(12):
        months.insert(0, f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    monthly = dict.fromkeys(months, 0)
    for t in times:
        key = datetime.fromtimestamp(t, UTC).strftime("%Y-%m")
        if t <= end and key in monthly:
            monthly[key] += 1
    first = min(times, default=None)
    return {
        "git.commits_total": len(times),
        "git.commits_90d": len(recent),
        "git.authors_90d": len({e for _, e in recent}),
        "git.first_commit": None if first is None else _iso(first),
        "git.last_commit": None if not times else _iso(max(times)),
        "git.monthly_commits": monthly,
        "age_days": None if first is None else max(0, int((end - first) // 86400)),
    }


def _iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_EDGE = ts(datetime(2026, 3, 1, tzinfo=UTC))
_EDGES = [ts(datetime(y, m, 1, tzinfo=UTC)) for y in (2025, 2026) for m in range(1, 13)]


@given(
    offsets=st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from(_EDGES).flatmap(lambda e: st.integers(e - 2, e + 1)),
                st.integers(_EDGE - 500 * 86400, _EDGE + 500 * 86400),
            ),
            st.sampled_from(["a@x", "b@x", "c@x"]),
        ),
        max_size=40,
    ),
    as_of=st.one_of(
        st.sampled_from(_EDGES).flatmap(lambda e: st.integers(e - 1, e + 1)),
        st.integers(_EDGE - 400 * 86400, _EDGE + 400 * 86400),
    ),
    naive=st.booleans(),
    newest_first=st.booleans(),
)
def test_signals_equal_their_plain_definitions(
    offsets: list[tuple[int, str]], as_of: int, naive: bool, newest_first: bool
) -> None:
    """Unsorted times and times newest first (ties too), times on and around month
    starts and window edges, an as-of time on a month's first second: the counts by
    sorted times equal commit-by-commit ones."""
    when = datetime.fromtimestamp(as_of, UTC)
    if naive:
        when = when.replace(tzinfo=None)
    if newest_first:
        offsets = sorted(offsets, key=lambda c: -c[0])
    git = GitFacts(available=True, head="h", commits=tuple(offsets))
    assert git_signals(git, when) == _plain_signals(git, when)
