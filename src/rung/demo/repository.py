"""Turn one planned repository (one service, or a monorepo) into a fast-import stream."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from rung.demo import practices as pr
from rung.demo import repofiles as rf
from rung.demo.fastimport import Person, Stream
from rung.demo.history import (
    DAY,
    FileEntry,
    Track,
    merge_tracks,
    timeline,
    track_events,
    write_events,
)
from rung.demo.plan import RepoPlan
from rung.demo.service import Realised, feature_tier


@dataclass(frozen=True)
class RepoOptions:
    now: int
    max_commits: int
    big_commits: int | None = None  # set for the few very large repositories
    mailmap: bool = False  # commit with an alias e-mail and map it in .mailmap


def repo_features(
    rng: random.Random, repo: RepoPlan, services: Sequence[Realised]
) -> frozenset[str]:
    if not repo.monorepo:
        return services[0].features & pr.REPO_LEVEL
    tier = max(s.plan.tier for s in services)
    return pr.choose_features(rng, max(tier, 2)) & pr.REPO_LEVEL


def _ci_files(
    rng: random.Random, repo: RepoPlan, svcs: Sequence[Realised], feats: frozenset[str]
) -> dict[str, str]:
    kind = (
        "github" if repo.monorepo else rng.choices(["github", "gitlab", "jenkins"], [75, 15, 10])[0]
    )
    jobs = [rf.Job(s.plan.name, s.plan.root, s.tool, s.has("tests.coverage")) for s in svcs]
    return rf.CI_KINDS[kind](jobs, feats, repo.monorepo)


def _root_files(
    rng: random.Random, repo: RepoPlan, svcs: Sequence[Realised], feats: frozenset[str]
) -> dict[str, FileEntry]:
    files: dict[str, FileEntry] = {}

    def add(feature: str, topic: str, content: dict[str, str]) -> None:
        stage = feature_tier(feature, default=0)
        files.update({p: FileEntry(c, stage, topic) for p, c in content.items()})

    if "ci.config" in feats:
        add("ci.config", "Set up continuous integration", _ci_files(rng, repo, svcs, feats))
    if "change.codeowners" in feats:
        owners = [(".", svcs[0].plan.ident.team)]
        owners += [(s.plan.root, s.plan.ident.team) for s in svcs if repo.monorepo]
        add("change.codeowners", "Add CODEOWNERS", {".github/CODEOWNERS": rf.codeowners(owners)})
    if "security.dependency_updates" in feats:
        ecos = [*sorted({rf.ECOSYSTEM[s.tool.language] for s in svcs}), "docker"]
        add(
            "security.dependency_updates",
            "Automate dependency updates",
            rf.dependency_bot(ecos, rng.random() < 0.3),
        )
    if "change.review_template" in feats:
        path = ".github/pull_request_template.md"
        add("change.review_template", "Add a pull request template", {path: rf.PR_TEMPLATE})
    if "docs.contributing" in feats:
        add("docs.contributing", "Add a contributing guide", {"CONTRIBUTING.md": rf.CONTRIBUTING})
    if "dev.local_env" in feats:
        ctxs = [
            (
                s.plan.name,
                "." if s.plan.root == "." else f"./{s.plan.root}",
                s.port,
                s.plan.datastore,
            )
            for s in svcs
        ]
        add("dev.local_env", "One-step local environment", {"docker-compose.yml": rf.compose(ctxs)})
    if repo.monorepo:
        names = "\n".join(
            f"- [`{s.plan.name}`]({s.plan.root}/): {s.plan.ident.description}" for s in svcs
        )
        readme = (
            f"# {repo.name}\n\nMonorepo of {svcs[0].plan.ident.team}.\n\n## Services\n\n{names}\n"
        )
        add("", "Initial commit", {"README.md": readme})
    return files


def _tag_plan(rng: random.Random, times: list[int]) -> list[tuple[str, int]]:
    """(version, date) of the releases: a few, over the later part of the history."""
    times = sorted(times)
    n = len(times)
    count = min(8, max(2, n // 25))
    start = int(n * 0.3)
    major, minor = 1, 0
    out: list[tuple[str, int]] = []
    for k in range(count):
        idx = min(n - 1, start + (n - 1 - start) * k // max(1, count - 1))
        out.append((f"v{major}.{minor}.0", times[idx] + 120))
        if rng.random() < 0.15:
            major, minor = major + 1, 0
        else:
            minor += 1
    return out


def _variants(rng: random.Random, authors: Sequence[Person]) -> dict[str, str]:
    """Some people commit with a differently-cased e-mail now and then."""
    return {
        p.email: p.email.title().replace("@Example.Com", "@Example.com")
        for p in authors
        if rng.random() < 0.15
    }


def _service_track(rng: random.Random, svc: Realised, opts: RepoOptions, monorepo: bool) -> Track:
    plan = svc.plan
    prefix = "" if plan.root == "." else plan.root + "/"
    total = opts.big_commits
    limit = total if total else opts.max_commits
    track = Track(prefix, dict(svc.files), list(svc.churn), plan.authors, plan.recent_authors)
    track.timeline = timeline(rng, opts.now, "hot" if total else plan.profile, limit, total)
    track.variants = _variants(rng, plan.authors)
    if monorepo:
        track.initial = f"Add the {plan.name} service"
    return track


def _root_track(
    rng: random.Random, files: dict[str, FileEntry], svc_tracks: list[Track], now: int
) -> Track:
    authors = list(dict.fromkeys(p for t in svc_tracks for p in t.authors))[:8]
    first = min(t.timeline[0] for t in svc_tracks) - DAY
    churn: list[str] = [p for p in ("README.md", ".github/workflows/ci.yml") if p in files]
    track = Track("", files, churn, authors, authors[:3], initial="Set up the monorepo")
    count = len({e.topic for e in files.values()}) + rng.randint(3, 12)
    track.timeline = sorted([first, *(rng.randint(first + DAY, now - DAY) for _ in range(count))])
    return track


def build_stream(
    rng: random.Random, repo: RepoPlan, svcs: Sequence[Realised], opts: RepoOptions
) -> Stream:
    feats = repo_features(rng, repo, svcs)
    root = _root_files(rng, repo, svcs, feats)
    tracks = [_service_track(rng, s, opts, repo.monorepo) for s in svcs]
    if opts.mailmap:
        person = tracks[0].authors[0]
        alias = person.email.split(".")[0] + "@laptop.local"
        tracks[0].variants[person.email] = alias
        root[".mailmap"] = FileEntry(
            rf.mailmap([(person.name, person.email, alias)]), 0, "Add .mailmap"
        )
    times = [t for tr in tracks for t in tr.timeline]
    tags = _tag_plan(rng, times) if "release.versioned" in feats else []
    if "release.changelog" in feats:
        versions = tags or [("v0.1.0", max(times))]
        days = [(v, datetime.fromtimestamp(when, UTC).date().isoformat()) for v, when in versions]
        root["CHANGELOG.md"] = FileEntry(rf.changelog(days), 3, "Keep a change log")
    if repo.monorepo:
        tracks.insert(0, _root_track(rng, root, tracks, opts.now))
    else:
        tracks[0].files.update(root)
    events = merge_tracks([track_events(rng, t, opts.now) for t in tracks])
    merges = rng.randint(1, 4) if len(events) > 30 and rng.random() < 0.35 else 0
    stream = Stream()
    mainline = write_events(rng, stream, events, merges=merges)
    tagger = tracks[0].authors[0]
    for version, when in tags:
        mark = max((m for m, t in mainline if t <= when), default=mainline[-1][0])
        stream.tag(version, mark, tagger, min(when, opts.now), f"Release {version}")
    return stream
