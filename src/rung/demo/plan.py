"""Who is who in the demo company: service names, teams, people, repositories, tiers."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from rung.demo.fastimport import Person

# base name, team, system, critical path, description
CATALOGUE: tuple[tuple[str, str, str, bool, str], ...] = (
    ("carts", "team-checkout", "checkout", True, "Shopping carts of signed-in and guest customers"),
    (
        "checkout",
        "team-checkout",
        "checkout",
        True,
        "Turns a cart into an order: address, delivery, payment",
    ),
    ("orders", "team-checkout", "orders", True, "Order lifecycle from placement to delivery"),
    ("payments", "team-payments", "payments", True, "Card and wallet payments through the PSPs"),
    ("catalogue", "team-catalog", "catalog", True, "Products, variants and their attributes"),
    ("search", "team-catalog", "catalog", True, "Full-text and faceted product search"),
    ("pricing", "team-catalog", "catalog", True, "Prices, discounts and currency conversion"),
    ("inventory", "team-logistics", "fulfilment", True, "Stock levels per warehouse"),
    ("api-gateway", "team-platform", "edge", True, "Public API entry point for web and apps"),
    ("identity", "team-identity", "identity", True, "Sign-in, sessions and tokens"),
    ("shipping", "team-logistics", "fulfilment", False, "Carrier selection and shipment tracking"),
    ("invoicing", "team-payments", "payments", False, "Invoices and credit notes"),
    ("fraud-detection", "team-payments", "payments", False, "Scores orders for fraud risk"),
    (
        "user-profile",
        "team-identity",
        "identity",
        False,
        "Customer profiles, addresses and preferences",
    ),
    ("recommendations", "team-growth", "discovery", False, "Product recommendations"),
    ("notifications", "team-growth", "engagement", False, "E-mail, SMS and push notifications"),
    ("loyalty", "team-growth", "engagement", False, "Loyalty points and tiers"),
    ("reviews", "team-catalog", "catalog", False, "Product reviews and ratings"),
    ("returns", "team-logistics", "fulfilment", False, "Returns and refunds of delivered orders"),
    (
        "warehouse-sync",
        "team-logistics",
        "fulfilment",
        False,
        "Syncs stock with the warehouse system",
    ),
    ("promotions", "team-growth", "engagement", False, "Vouchers and promotion campaigns"),
    ("refunds", "team-payments", "payments", False, "Refunds to the original payment method"),
    ("gift-cards", "team-payments", "payments", False, "Gift card issuing and redemption"),
    ("tax-calculator", "team-payments", "payments", False, "VAT and sales tax per jurisdiction"),
    ("currency-rates", "team-payments", "payments", False, "Daily currency exchange rates"),
    ("address-validation", "team-logistics", "fulfilment", False, "Validates postal addresses"),
    ("delivery-slots", "team-logistics", "fulfilment", False, "Bookable delivery time slots"),
    (
        "store-locator",
        "team-logistics",
        "fulfilment",
        False,
        "Finds nearby stores and pick-up points",
    ),
    ("wishlist", "team-growth", "discovery", False, "Customer wish lists"),
    ("product-images", "team-catalog", "catalog", False, "Product media storage"),
    ("media-resizer", "team-platform", "edge", False, "Resizes and caches images"),
    ("feature-flags", "team-platform", "platform", False, "Feature flag evaluation"),
    ("audit-log", "team-platform", "platform", False, "Append-only audit trail"),
    ("email-sender", "team-platform", "platform", False, "Transactional e-mail delivery"),
    ("session-store", "team-identity", "identity", False, "Session storage for the web shop"),
    ("customer-support", "team-growth", "engagement", False, "Support tickets and chat hand-off"),
    ("ab-testing", "team-growth", "discovery", False, "Experiment assignment and results"),
    ("analytics-ingest", "team-data", "analytics", False, "Clickstream ingestion"),
    ("reporting", "team-data", "analytics", False, "Business reports for merchandisers"),
    ("subscriptions", "team-payments", "payments", False, "Recurring subscription orders"),
    ("seller-payouts", "team-payments", "payments", False, "Payouts to marketplace sellers"),
    ("marketplace-sellers", "team-catalog", "catalog", False, "Marketplace seller onboarding"),
    ("order-history", "team-checkout", "orders", False, "Past orders of a customer"),
    ("basket-recovery", "team-growth", "engagement", False, "Reminders for abandoned carts"),
    ("bundles", "team-catalog", "catalog", False, "Product bundles and kits"),
    (
        "click-and-collect",
        "team-logistics",
        "fulfilment",
        False,
        "In-store pick-up of online orders",
    ),
    ("label-printing", "team-logistics", "fulfilment", False, "Shipping label generation"),
    ("consent", "team-identity", "identity", False, "Marketing and cookie consent"),
    ("price-alerts", "team-growth", "engagement", False, "Alerts when a price drops"),
    ("size-guide", "team-catalog", "catalog", False, "Size charts per brand"),
)
QUALIFIERS = ("api", "worker", "admin", "sync", "consumer", "export", "importer", "scheduler")

FIRST = ("alice", "bruno", "chen", "dana", "elif", "farid", "grace", "hiro", "ines", "jonas")
LAST = ("martin", "okafor", "novak", "silva", "kowalski", "tanaka", "dubois", "jensen", "rossi")
TIMEZONES = ("+0000", "+0100", "+0200", "-0500", "+0530", "+0900")

LANGUAGE_WEIGHTS = {"python": 22, "java": 20, "go": 16, "node": 16}
LANGUAGE_WEIGHTS |= {"ruby": 7, "csharp": 7, "rust": 5, "php": 7}
VARIANTS: dict[str, tuple[str, ...]] = {
    "python": ("fastapi", "flask"),
    "java": ("maven", "gradle"),
    "go": ("gin", "chi"),
}
VARIANTS |= {"node": ("express",), "ruby": ("rails",), "csharp": ("aspnet",)}
VARIANTS |= {"rust": ("axum",), "php": ("slim",)}
PORTS = {"python": 8000, "node": 3000, "ruby": 3000}
TIER_WEIGHTS = (0.12, 0.28, 0.32, 0.18, 0.10)
DATASTORES = (("postgres", 45), ("mysql", 10), ("mongodb", 15), ("redis", 10), (None, 20))


@dataclass(frozen=True, slots=True)
class Identity:
    """A catalog entry to be: name, team, system, and whether it is on the critical path."""

    name: str
    team: str
    system: str
    critical: bool
    description: str


@dataclass
class ServicePlan:
    ident: Identity
    language: str
    tier: int
    profile: str  # activity profile, see history.PROFILES
    datastore: str | None
    modules: int
    authors: list[Person] = field(default_factory=list)
    recent_authors: list[Person] = field(default_factory=list)
    repo: str = ""
    root: str = "."

    @property
    def name(self) -> str:
        return self.ident.name


@dataclass
class RepoPlan:
    name: str
    services: list[ServicePlan]
    monorepo: bool


def people() -> list[Person]:
    """The 30 engineers of the company (fixed: first.last@example.com)."""
    pairs = list(itertools.product(FIRST, LAST))
    chosen = [pairs[(i * 7) % len(pairs)] for i in range(30)]
    return [
        Person(f"{f.capitalize()} {la.capitalize()}", f"{f}.{la}@example.com", TIMEZONES[i % 6])
        for i, (f, la) in enumerate(chosen)
    ]


def identities(n: int) -> Iterator[Identity]:
    """`n` distinct service identities: the catalogue first, then qualified variants."""
    produced = 0
    for qualifier in (None, *QUALIFIERS, *(f"v{k}" for k in range(2, 10_000))):
        for base, team, system, critical, desc in CATALOGUE:
            if produced == n:
                return
            name = base if qualifier is None else f"{base}-{qualifier}"
            crit = critical and qualifier in (None, "api")
            yield Identity(
                name, team, system, crit, desc if qualifier is None else f"{desc} ({qualifier})"
            )
            produced += 1


def tiers(rng: random.Random, n: int) -> list[int]:
    counts = [round(n * w) for w in TIER_WEIGHTS]
    if n >= 5:
        counts = [max(1, c) for c in counts]
    counts[2] += n - sum(counts)
    out = [t for t, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(out)
    return out


def languages(rng: random.Random, n: int) -> list[str]:
    keys = list(LANGUAGE_WEIGHTS)
    picks = keys[: min(n, len(keys))]
    picks += rng.choices(keys, weights=[LANGUAGE_WEIGHTS[k] for k in keys], k=n - len(picks))
    rng.shuffle(picks)
    return picks


def assign_authors(rng: random.Random, svc: ServicePlan, staff: list[Person]) -> None:
    hot = svc.profile == "hot"
    k = rng.randint(8, 12) if hot else rng.randint(2, 7)
    pool = rng.sample(staff, k=k)
    svc.authors = pool
    recent = rng.randint(8, k) if hot else rng.randint(1, min(k, 4))
    svc.recent_authors = pool[:recent]


def _monorepo_groups(
    rng: random.Random, plans: list[ServicePlan], count: int
) -> list[list[ServicePlan]]:
    by_team: dict[str, list[ServicePlan]] = {}
    for p in plans:
        by_team.setdefault(p.ident.team, []).append(p)
    teams = sorted(
        (t for t, ps in by_team.items() if len(ps) >= 4), key=lambda t: (-len(by_team[t]), t)
    )
    groups: list[list[ServicePlan]] = []
    for team in teams[:count]:
        members = by_team[team][1:]  # the team's flagship service keeps its own repository
        groups.append(members[: rng.randint(3, min(6, len(members)))])
    return groups + _more_groups(rng, by_team, teams, groups, count - len(groups))


def _more_groups(
    rng: random.Random,
    by_team: dict[str, list[ServicePlan]],
    teams: list[str],
    groups: list[list[ServicePlan]],
    wanted: int,
) -> list[list[ServicePlan]]:
    """Further monorepos (large portfolios): next unused members of each team in turn."""
    used = {id(p) for g in groups for p in g}
    free = {t: [p for p in by_team[t][1:] if id(p) not in used] for t in teams}
    more: list[list[ServicePlan]] = []
    while len(more) < wanted and any(len(ps) >= 3 for ps in free.values()):
        for team in teams:
            members = free[team]
            if len(more) == wanted or len(members) < 3:
                continue
            size = rng.randint(3, min(6, len(members)))
            more.append(members[:size])
            free[team] = members[size:]
    return more


def plan_repositories(
    rng: random.Random,
    n: int,
    monorepos: int,
    staff: list[Person],
    profiles: list[str],
    module_range: tuple[int, int] | None = None,
) -> list[RepoPlan]:
    """Services with their tier, language and activity, grouped into repositories.
    `module_range` (low, high): extra source modules per service drawn in that range (the
    default grows with the tier: small services)."""
    tier_list, langs = tiers(rng, n), languages(rng, n)
    plans: list[ServicePlan] = []
    stores = [s for s, _ in DATASTORES]
    for i, ident in enumerate(identities(n)):
        store = rng.choices(stores, weights=[w for _, w in DATASTORES])[0]
        if module_range is None:
            modules = 1 + tier_list[i] + rng.randint(0, 3)
        else:
            modules = rng.randint(*module_range)
        plans.append(ServicePlan(ident, langs[i], tier_list[i], profiles[i], store, modules))
    _lift_critical(plans)
    for p in plans:
        assign_authors(rng, p, staff)
    groups = _monorepo_groups(rng, plans, monorepos)
    grouped = {id(p) for g in groups for p in g}
    repos = [RepoPlan(p.name, [p], False) for p in plans if id(p) not in grouped]
    names: dict[str, int] = {}
    for g in groups:
        name = g[0].ident.team.removeprefix("team-") + "-platform"
        names[name] = names.get(name, 0) + 1
        name += f"-{names[name]}" if names[name] > 1 else ""  # a team's further monorepos
        lang = g[0].language
        for p in g:
            p.repo, p.root = name, f"services/{p.name}"
            if rng.random() < 0.7:
                p.language = lang
        repos.append(RepoPlan(name, g, True))
    for r in repos:
        for p in r.services:
            p.repo = r.name
    return repos


def _lift_critical(plans: list[ServicePlan]) -> None:
    """Critical services are rarely tier 0: swap their tier with a mature non-critical one."""
    donors = [p for p in plans if not p.ident.critical and p.tier >= 2]
    for p in plans:
        if p.ident.critical and p.tier == 0 and donors:
            d = donors.pop()
            p.tier, d.tier = d.tier, p.tier
            p.modules, d.modules = d.modules, p.modules
