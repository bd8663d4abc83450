"""Risk signals from a service's git history (checks.md "Git history"): pure functions."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from operator import itemgetter

from rung.collect.facts import GitFacts

WINDOW = timedelta(days=90)
MONTHS = 12
KEYS = (
    "git.commits_total",
    "git.commits_90d",
    "git.authors_90d",
    "git.first_commit",
    "git.last_commit",
    "git.monthly_commits",
    "age_days",
)


def iso_utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc(as_of: datetime) -> datetime:
    """A naive as-of time is taken as UTC."""
    return as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of.astimezone(UTC)


def git_signals(git: GitFacts, as_of: datetime) -> dict[str, object]:
    """The git signals of one service at `as_of`.

    The 90-day window is (as_of - 90 days, as_of] on committer time. commits_total,
    first_commit and last_commit cover every listed commit, also any after as_of; the
    window and the monthly counts only count commits at or before as_of. Without
    history every value is None.

    The commit times are sorted once (a log lists them nearly in order: one pass), so
    that each count is the distance between two places in them (`bisect`), not a test
    of every commit.
    """
    if not git.available:
        return dict.fromkeys(KEYS)
    now = _utc(as_of)
    end = now.timestamp()
    start = (now - WINDOW).timestamp()
    listed = list(map(_TIME, git.commits))
    times = sorted(listed)
    low, high = bisect_right(times, start), bisect_right(times, end)
    in_window = high - low
    authors = _authors(git, listed == times[::-1], low, high, start, end) if in_window else set()
    first = times[0] if times else None
    return {
        "git.commits_total": len(times),
        "git.commits_90d": in_window,
        "git.authors_90d": len(authors),
        "git.first_commit": iso_utc(first) if first is not None else None,
        "git.last_commit": iso_utc(times[-1]) if times else None,
        "git.monthly_commits": monthly_commits(times, now),
        "age_days": _age_days(first, now),
    }


_TIME = itemgetter(0)


def _authors(
    git: GitFacts, newest_first: bool, low: int, high: int, start: float, end: float
) -> set[str]:
    """The e-mails of the commits in the window, whose times are `times[low:high]` of
    the sorted times. Listed newest first (a log's usual order), those commits are one
    run of the list: only they are looked at."""
    if newest_first:
        n = len(git.commits)
        return {e for _, e in git.commits[n - high : n - low]}
    return {e for t, e in git.commits if start < t <= end}


def _age_days(first: int | None, now: datetime) -> int | None:
    """Whole days from the first commit to as_of (0 when the first commit is later)."""
    if first is None:
        return None
    return max(0, int((now.timestamp() - first) // 86400))


@lru_cache(maxsize=16)
def _month_starts(now: datetime) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The 12 months ending with `now`'s month, oldest first: their "YYYY-MM" keys and
    the UTC epoch seconds of their first instants (made once per as-of time)."""
    year, month = now.year, now.month
    keys: list[str] = []
    starts: list[float] = []
    for _ in range(MONTHS):
        keys.append(f"{year:04d}-{month:02d}")
        starts.append(datetime(year, month, 1, tzinfo=UTC).timestamp())
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return tuple(keys[::-1]), tuple(starts[::-1])


def monthly_commits(times: list[int], now: datetime) -> dict[str, int]:
    """Commits per calendar month (UTC) for the 12 months ending with as_of's month,
    oldest first, every month present; commits after as_of are not counted. `times`
    is sorted: a month's count is the number of times from its first instant up to
    the next month's (as_of for the last)."""
    keys, starts = _month_starts(now)
    edges = [bisect_left(times, s) for s in starts]
    edges.append(bisect_right(times, now.timestamp()))
    return dict(zip(keys, [b - a for a, b in pairwise(edges)], strict=True))
