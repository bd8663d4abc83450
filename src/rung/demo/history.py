"""Plan realistic commit histories: activity patterns, authors, files introduced over time.

A *track* is the set of files of one service (or of a monorepo's root) with the stage at
which each practice appeared. Its timeline says when commits happened; its events say
what each commit changed. Tracks of one repository are merged by time and written by
`fastimport.Stream`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from rung.demo.fastimport import Person, Stream

DAY = 86_400
RECENT = 90 * DAY

# Fraction of the history after which files of a maturity stage appear (plus jitter).
STAGE_START = {0: 0.0, 1: 0.04, 2: 0.25, 3: 0.55, 4: 0.8}

# kind -> (weight, age in days, commits in the last 90 days, older commits, idle days)
PROFILES: dict[str, tuple[int, tuple[int, int], tuple[int, int], tuple[int, int], int]] = {
    "hot": (22, (500, 2900), (50, 200), (60, 900), 0),
    "active": (28, (380, 2200), (10, 45), (30, 500), 0),
    "quiet": (18, (400, 2000), (1, 9), (20, 250), 0),
    "dormant": (20, (900, 2920), (0, 0), (15, 300), 365),
    "new": (12, (60, 200), (0, 0), (20, 120), 0),
}

COMMENT = {".py": "#", ".rb": "#", ".go": "//", ".java": "//", ".ts": "//", ".js": "//"}
COMMENT |= {".cs": "//", ".rs": "//", ".php": "//", ".kt": "//"}

VERBS = ("Fix", "Add", "Refactor", "Tune", "Simplify", "Handle", "Log", "Validate", "Cache")
THINGS = (
    "retry budget", "empty basket edge case", "currency rounding", "timeout on upstream call",
    "pagination", "null customer id", "request validation", "error mapping", "slow query",
    "feature flag", "idempotency key", "rate limiting", "config loading", "date parsing",
    "health response", "batch size", "dead letter handling", "price formatting",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FileEntry:
    content: str
    stage: int  # maturity stage 0..4: when in the history the file appears
    topic: str  # commit message of the commit that adds it


@dataclass
class Track:
    """Files of one service root (`prefix` "" or "services/x/") and who works on them."""

    prefix: str
    files: dict[str, FileEntry]
    churn: list[str]  # paths (relative to prefix) that change in everyday commits
    authors: list[Person]
    recent_authors: list[Person]
    timeline: list[int] = field(default_factory=list)
    variants: dict[str, str] = field(default_factory=dict)  # canonical e-mail -> variant
    initial: str = "Initial commit"  # message of the first commit


@dataclass(frozen=True, slots=True)
class Event:
    when: int
    author: Person
    email: str
    message: str
    changes: dict[str, str | None]
    everyday: bool  # an ordinary change: may go through a feature branch and a merge


def pick_profile(rng: random.Random) -> str:
    kinds = list(PROFILES)
    return rng.choices(kinds, weights=[PROFILES[k][0] for k in kinds])[0]


def _skewed(rng: random.Random, lo: int, hi: int) -> int:
    """An integer in [lo, hi], most often near lo."""
    return lo + int((hi - lo) * rng.random() ** 2)


def timeline(
    rng: random.Random, now: int, kind: str, max_commits: int, total: int | None = None
) -> list[int]:
    """Sorted commit times for one track with activity `kind`, at most `max_commits`."""
    _, age, recent_r, older_r, idle = PROFILES[kind]
    first = now - rng.randint(*age) * DAY - rng.randint(0, DAY)
    recent = _skewed(rng, *recent_r) if recent_r[1] else 0
    recent = min(recent, max(1, int(max_commits * 0.6))) if recent else 0
    older = _skewed(rng, *older_r)
    if total is not None:
        recent = min(max(recent, 150), total // 3)
        older = total - recent
    older = max(3, min(older, max_commits - recent)) if total is None else older
    last = now - rng.randint(idle, 3 * idle) * DAY if idle else now - 3600
    older_end = last if kind == "new" else min(last, now - RECENT - 3600)
    times = [first]
    times += [rng.randint(first + 60, max(first + 61, older_end)) for _ in range(older - 1)]
    times += [rng.randint(now - RECENT + 3600, now - 60) for _ in range(recent)]
    return sorted(times)


def _revise(path: str, base: str, rev: int, note: str) -> str:
    suffix = PurePosixPath(path).suffix
    if suffix == ".md":
        return f"{base.rstrip()}\n\n<!-- rev {rev}: {note} -->\n"
    return f"{base.rstrip()}\n{COMMENT.get(suffix, '#')} rev {rev}: {note}\n"


def _author(rng: random.Random, track: Track, when: int, now: int) -> tuple[Person, str]:
    pool = track.recent_authors if when > now - RECENT and track.recent_authors else track.authors
    person = pool[min(len(pool) - 1, int(len(pool) * rng.random() ** 1.5))]
    email = person.email
    variant = track.variants.get(person.email)
    if variant and rng.random() < 0.25:
        email = variant
    return person, email


def _topic_slots(rng: random.Random, track: Track) -> dict[int, list[str]]:
    """Commit index -> topics introduced there (index 0 holds every stage-0 topic)."""
    n = len(track.timeline)
    topics: dict[str, int] = {}
    for entry in track.files.values():
        topics[entry.topic] = min(topics.get(entry.topic, 9), entry.stage)
    slots: dict[int, list[str]] = {}
    taken: set[int] = set()
    for topic in sorted(topics, key=lambda t: (topics[t], t)):
        stage = topics[topic]
        if stage == 0:
            slots.setdefault(0, []).append(topic)
            continue
        idx = int(n * min(0.97, STAGE_START[stage] + rng.uniform(0.0, 0.15)))
        while idx in taken and idx < n - 1:
            idx += 1
        idx = max(1, min(idx, n - 1)) if n > 1 else 0
        taken.add(idx)
        slots.setdefault(idx, []).append(topic)
    return slots


def track_events(rng: random.Random, track: Track, now: int) -> list[Event]:
    """The commits of one track, in time order."""
    slots = _topic_slots(rng, track)
    by_topic: dict[str, dict[str, str | None]] = {}
    for rel, entry in sorted(track.files.items()):
        by_topic.setdefault(entry.topic, {})[track.prefix + rel] = entry.content
    added: set[str] = set()
    revs: dict[str, int] = {}
    events: list[Event] = []
    for i, when in enumerate(track.timeline):
        person, email = _author(rng, track, when, now)
        topics = slots.get(i, [])
        if topics:
            changes: dict[str, str | None] = {}
            for topic in topics:
                changes.update(by_topic[topic])
                added.update(by_topic[topic])
            message = track.initial if i == 0 else "; ".join(topics)
            events.append(Event(when, person, email, message, changes, everyday=False))
            continue
        live = [p for p in track.churn if track.prefix + p in added] or [
            p.removeprefix(track.prefix) for p in sorted(added)
        ][:3]
        picks = rng.sample(live, k=min(len(live), rng.choice((1, 1, 1, 2, 2, 3))))
        note = f"{rng.choice(VERBS).lower()} {rng.choice(THINGS)}"
        changes = {}
        for rel in picks:
            revs[rel] = revs.get(rel, 0) + 1
            changes[track.prefix + rel] = _revise(rel, track.files[rel].content, revs[rel], note)
        message = note[0].upper() + note[1:]
        events.append(Event(when, person, email, message, changes, everyday=True))
    return events


def merge_tracks(per_track: Sequence[list[Event]]) -> list[Event]:
    """All events of a repository by time (ties: track order, then position)."""
    keyed = [(e.when, t, i, e) for t, evs in enumerate(per_track) for i, e in enumerate(evs)]
    return [e for *_, e in sorted(keyed, key=lambda k: k[:3])]


def write_events(
    rng: random.Random,
    stream: Stream,
    events: Sequence[Event],
    *,
    merges: int = 0,
) -> list[tuple[int, int]]:
    """Write `events` on main; `merges` runs of everyday commits go through a `--no-ff` merge.

    Returns the (mark, time) of each first-parent commit, oldest first.
    """
    starts = _merge_starts(rng, events, merges)
    mainline: list[tuple[int, int]] = []
    i = 0
    while i < len(events):
        tip = [mainline[-1][0]] if mainline else []
        run = starts.get(i, 0)
        if run and tip:
            mark, when = _side_branch(stream, events[i : i + run], tip[0], len(mainline))
            mainline.append((mark, when))
            i += run
            continue
        e = events[i]
        mark = stream.commit(
            author=e.author, when=e.when, message=e.message, changes=e.changes, parents=tip,
            email=e.email,
        )  # fmt: skip
        mainline.append((mark, e.when))
        i += 1
    return mainline


def _merge_starts(rng: random.Random, events: Sequence[Event], merges: int) -> dict[int, int]:
    """Event index -> length of a run of everyday commits that becomes a feature branch."""
    starts: dict[int, int] = {}
    candidates = [
        i for i in range(1, len(events) - 3) if all(e.everyday for e in events[i : i + 3])
    ]
    for i in sorted(rng.sample(candidates, k=min(merges, len(candidates)))):
        if not any(s <= i < s + n + 1 for s, n in starts.items()):
            starts[i] = rng.choice((2, 3))
    return starts


def _side_branch(stream: Stream, run: Sequence[Event], fork: int, number: int) -> tuple[int, int]:
    parent = fork
    merged: dict[str, str | None] = {}
    for e in run:
        parent = stream.commit(
            author=e.author, when=e.when, message=e.message, changes=e.changes,
            parents=[parent], email=e.email,
        )  # fmt: skip
        merged.update(e.changes)
    last = run[-1]
    branch = "-".join(last.message.lower().split()[:4])
    when = last.when + 60
    message = f"Merge pull request #{100 + number} from feature/{branch}\n\n{last.message}"
    mark = stream.commit(
        author=run[0].author, when=when, message=message, changes=merged, parents=[fork, parent]
    )
    return mark, when
