"""Secret scan with detect-secrets used as a library, on candidate lines only.

detect-secrets runs in process with its default plugins and filters
(`default_settings()`): no network verification, no multiprocessing, no file reads
(texts come from the file index). What is kept of a finding is its path, line and type:
the value never leaves this module (no logs, no exception text, no hash).

Cost. Run naively, the 27 plugins and their filters cost ~6 ms of CPU per file (the
per-line, per-plugin Python overhead). Here:

1. files detect-secrets itself skips by name (lock files, non-text extensions, swagger
   files) and minified bundles (`*.min.js`, `*.min.css`: generated build output whose
   strings are high-entropy noise) are skipped;
2. a file is scanned only when its text holds a candidate: a case-insensitive literal
   that some plugin needs (keyword names such as key/pass/pwd/secret/token, token
   prefixes such as AKIA, ghp_, xox, eyJ, sk_live, glpat-) or, for the few plugins
   whose patterns start with no literal (Discord, Telegram, Twilio, Artifactory,
   SendGrid, Mailchimp, basic auth in URLs), that plugin's own pattern, and more than
   a name when that is all it holds: a file is not scanned when its text alone proves
   that no plugin can find anything in any line detect-secrets would scan there, and
   that nothing raises (`_NothingToFind`: no literal nor pattern of a token plugin, no
   run of characters long and varied enough for a high-entropy, keyword or key
   plugin); most candidates are such files (`apiVersion`, `secretKeyRef`, `key:`);
3. the lines detect-secrets would scan (after its YAML / ini transformers, which keep
   line numbers) are filtered the same way, and the plugins and filters run on the
   candidate lines only, with the whole file as context (so `pragma: allowlist
   nextline secret` still works);
4. the transformer step is detect-secrets' `get_transformed_file`, except that its ini
   transformers are not run when configparser would fail for certain (a line that is
   no section, option, comment or continuation; for the header-less one, a first
   line that is no `[section]`): they would give no lines, so nothing changes; and its
   YAML transformer (a pure-Python parse, once most of this scan's cost) is replaced
   by `rung.collect.yamllines.yaml_lines`, which gives the same lines from PyYAML's C
   parser, or says it cannot vouch for a file (then theirs runs);
5. the process remembers, within bounds, the lines where no plugin found anything (per
   detect-secrets file type: see `_Engine._scan_line` for why that is exact) and the
   YAML lines of each text (`yaml_lines` is a pure function of it): templated lines
   and manifests recur across files and repositories. detect-secrets' file-name
   filters run as plain calls when they are its pure name tests.

Deliberate differences from a plain detect-secrets run (checks.md defines a secret as a
private key block, a cloud access key, a token pattern, or a high-entropy assignment to
a secret-like name):
- the high-entropy plugins only see lines with a secret-like name (key, pass, pwd, pw,
  secret, token, auth, credential, private, api, bearer...): a bare quoted
  high-entropy string elsewhere (hashes, integrity sums, test fixtures) is not a
  finding;
- public IPv4 addresses are not secrets (the IPPublicDetector plugin is off);
- for the high-entropy plugins the secret-like name must lie outside the value: a long
  random run that merely contains "auth" (an encrypted Travis `secure:` value) is none;
- a keyword finding (`password = "..."`) counts only when its value looks random: at
  least 8 characters, no whitespace, >= 3 bits of entropy per character, and not made
  of words and short numbers only (`changeme`, `password123`, `your-secret-key`,
  `required|min:6`);
- `.js`/`.css` files with a line over 2000 characters are minified bundles, skipped
  like `*.min.js`.
"""

from __future__ import annotations

import atexit
import copy
import inspect
import io
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from itertools import product
from typing import Any, cast

from rung.collect.facts import SecretHit
from rung.collect.files import under
from rung.collect.pathindex import joined, mark_hits
from rung.collect.yamllines import Unsure, verbatim, yaml_lines

# Secret-like names: keyword context. The Keyword plugin's denylist (api_key,
# private_key, password, passwd, pwd, secret, contraseña...) and the keyword forms of the
# IBM, SoftLayer and Cloudant plugins all contain one; the high-entropy plugins only run
# on lines holding one.
_NAMES = (
    "key", "pass", "pwd", "pw", "secret", "contrase", "token", "auth", "credential",
    "private", "api", "bearer",
)  # fmt: skip

_GITLAB = (
    "glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "gr1348941", "glcbt-", "glimt-",
    "glptt-", "glagent-", "gloas-",
)  # fmt: skip

# What each default plugin needs on a line before it can match: lower-case literals
# (searched case-insensitively) and, for patterns that start with no literal, the
# plugin's own pattern (or a wider one). A plugin not listed runs on every candidate line.
_PLUGIN_NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ArtifactoryDetector": (("akc",), (r"AP[\dA-F][a-zA-Z0-9]{8}",)),
    "AWSKeyDetector": (("akia", "asia", "abia", "acca", "a3t", "aws"), ()),
    "AzureStorageKeyDetector": (("accountkey",), ()),
    "BasicAuthDetector": ((), (r"://[^{}\s]+:[^{}\s]+@",)),
    "CloudantDetector": (("cloudant", "key", "pw", "pass", "token"), ()),
    "DiscordBotTokenDetector": ((), (r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.",)),
    "GitHubTokenDetector": (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), ()),
    "GitLabTokenDetector": (_GITLAB, ()),
    "Base64HighEntropyString": (_NAMES, ()),
    "HexHighEntropyString": (_NAMES, ()),
    "IbmCloudIamDetector": (("key", "pwd", "pass", "token"), ()),
    "IbmCosHmacDetector": (("secret",), ()),
    "JwtTokenDetector": (("eyj",), ()),
    "KeywordDetector": (("key", "pass", "pwd", "secret", "contrase"), ()),
    "MailchimpDetector": ((), (r"-us[0-9]",)),
    "NpmDetector": (("_authtoken",), ()),
    "OpenAIDetector": (("t3blbkfj",), ()),
    "PrivateKeyDetector": (("private key", "putty-user-key-file"), ()),
    "PypiTokenDetector": (("pypi-ag",), ()),
    "SendGridDetector": ((), (r"SG\.[a-zA-Z0-9_-]{22}\.",)),
    "SlackDetector": (("xox", "hooks.slack.com"), ()),
    "SoftlayerDetector": (("softlayer", "key", "pwd", "pass", "token"), ()),
    "SquareOAuthDetector": (("sq0csp-",), ()),
    "StripeDetector": (("k_live_",), ()),
    "TelegramBotTokenDetector": ((), (r"\d{8,10}:[0-9A-Za-z_-]{35}",)),
    "TwilioKeyDetector": ((), (r"AC[a-z0-9]{32}", r"SK[a-z0-9]{32}")),
}
_ALL_LITERALS = {lit for lits, _ in _PLUGIN_NEEDS.values() for lit in lits}
# the shortest literals suffice to find candidate lines ("key" finds "accountkey")
_LITERALS = tuple(
    sorted(a for a in _ALL_LITERALS if not any(b != a and b in a for b in _ALL_LITERALS))
)


def _trie(words: Sequence[str], space: str = " ") -> str:
    """One regular expression for a set of literals, as a trie (`a(?:pi|uth)|key`):
    one pass over a text instead of one per literal. A space in a literal stands for
    `space` (a pattern)."""
    heads: dict[str, list[str]] = {}
    for word in sorted(words):
        heads.setdefault(word[0], []).append(word[1:])
    parts = []
    for head, tails in heads.items():
        first = space if head == " " else re.escape(head)
        if "" in tails:  # a literal is a prefix of another: the shorter one suffices
            parts.append(first)
        else:
            parts.append(first + "(?:" + _trie(tails, space) + ")")
    return "|".join(parts)


_ANY_LITERAL = re.compile(_trie(_LITERALS))
_COMPILED = {p: re.compile(p) for _, pats in _PLUGIN_NEEDS.values() for p in pats}
# Gates: a substring that every match of a slow pattern (one that starts with a class,
# not a literal) holds, as a pattern that the regex engine finds fast (it starts with a
# literal). A text where the gate finds nothing holds no match of the pattern.
_GATES: dict[str, str] = {
    r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.": r"\.[a-zA-Z\d_-]{6}\.",
    r"\d{8,10}:[0-9A-Za-z_-]{35}": r":[0-9A-Za-z_-]{35}",
}
_GATED = tuple(
    (re.compile(_GATES[p]) if p in _GATES else None, compiled) for p, compiled in _COMPILED.items()
)

# High-entropy plugins need a secret-like *name* on the line: one that only occurs inside
# a long random value (`secure: "...PwauTh..."`, an encrypted Travis variable) is none.
_NAMED_PLUGINS = frozenset({"Base64HighEntropyString", "HexHighEntropyString"})
_VALUE_RUN = re.compile(r"[a-z0-9+/]{20,}=*")
_KEYWORD_TYPE = "Secret Keyword"
KEYWORD_MIN_LENGTH = 8
KEYWORD_MIN_ENTROPY = 3.0  # bits per character: "mysecretpassword" 3.45, "changeme" 2.75
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
# a word, a word with a short number (`password123`) or a short number
_WORD_RUN = re.compile(r"(?:[A-Za-z][a-z]*|[A-Z]+)\d{0,4}|\d{1,4}")
_SKIPPED_SUFFIXES = (".min.js", ".min.mjs", ".min.css")
_BUNDLE_SUFFIXES = (".js", ".mjs", ".cjs", ".css")
MINIFIED_LINE = 2000  # characters: hand-written code has no such line
_SEARCHED = 1 << 22  # characters of texts searched for candidates at once
_DISABLED_PLUGINS = ("IPPublicDetector",)
_INVALID_FILE_FILTER = "detect_secrets.filters.common.is_invalid_file"


def scan_secrets(
    repo_path: str, texts: Mapping[str, str], files: Sequence[str]
) -> tuple[list[SecretHit], str | None]:
    """Likely secrets in `files` (their texts come from `texts`); the error names the
    files that could not be scanned, never their content. `repo_path` is not read."""
    hits, errors = scan_repository_secrets(texts, files)
    return [h for p in sorted(hits) for h in hits[p]], errors_message(errors)


def secrets_under(
    root: str, hits: Mapping[str, list[SecretHit]], errors: Mapping[str, str]
) -> tuple[list[SecretHit], str | None]:
    """The part of a repository scan that lies in one service root."""
    found = [h for p in sorted(hits) if under(p, root) for h in hits[p]]
    return found, errors_message({p: e for p, e in errors.items() if under(p, root)})


def errors_message(errors: Mapping[str, str]) -> str | None:
    if not errors:
        return None
    items = sorted(errors.items())
    shown = "; ".join(f"{p}: {e}" for p, e in items[:5])
    more = f" (and {len(items) - 5} more)" if len(items) > 5 else ""
    return f"secret scan failed for {len(items)} file(s): {shown}{more}"


def scan_repository_secrets(
    texts: Mapping[str, str], files: Sequence[str]
) -> tuple[dict[str, list[SecretHit]], dict[str, str]]:
    """Scan each file once: path -> hits (only paths with hits), path -> error."""
    hits: dict[str, list[SecretHit]] = {}
    errors: dict[str, str] = {}
    todo = _worth_scanning(texts, files)
    if not todo:
        return hits, errors
    try:
        with _detect_secrets() as engine:
            for path in todo:
                try:
                    found = engine.scan(path, texts[path])
                except Exception as exc:  # detect-secrets failed on this file: note, go on
                    errors[path] = f"{type(exc).__name__} in detect-secrets"
                    continue
                if found:
                    hits[path] = found
    except Exception as exc:  # detect-secrets itself could not be set up
        return {}, dict.fromkeys(todo, f"{type(exc).__name__} setting up detect-secrets")
    return hits, errors


def _worth_scanning(texts: Mapping[str, str], files: Sequence[str]) -> list[str]:
    """The files to scan, in order: those not skipped by name that hold a candidate
    (`has_candidate`). The texts are searched together, `_SEARCHED` characters at a time
    (`candidate_lines`: no match spans a line break), not with a few searches per file."""
    kept = [p for p in dict.fromkeys(files) if p in texts and not _skipped(p, texts[p])]
    todo: list[str] = []
    start = size = 0
    for end, path in enumerate(kept, 1):
        size += len(texts[path])
        if size >= _SEARCHED or end == len(kept):
            chunk = kept[start:end]
            todo += [chunk[n - 1] for n in candidate_lines([texts[p] for p in chunk])]
            start, size = end, 0
    return todo


def _skipped(path: str, text: str) -> bool:
    low = path.lower()
    if low.endswith(_SKIPPED_SUFFIXES):
        return True
    # a minified bundle without `.min` in its name (Laravel's public/js)
    return low.endswith(_BUNDLE_SUFFIXES) and _has_long_line(text)


def _has_long_line(text: str) -> bool:
    if len(text) <= MINIFIED_LINE:  # no line is longer than the text
        return False
    return any(len(line) > MINIFIED_LINE for line in text.splitlines())


def has_candidate(text: str) -> bool:
    """Whether `text` holds a literal some plugin needs (case-insensitively) or a match
    of a plugin's pattern."""
    return _ANY_LITERAL.search(text.lower()) is not None or _has_pattern(text)


def _has_pattern(text: str) -> bool:
    """Whether `text` holds a match of a plugin's pattern (`_PLUGIN_NEEDS`)."""
    for gate, pattern in _GATED:
        if (gate is None or gate.search(text) is not None) and pattern.search(text) is not None:
            return True
    return False


def candidate_lines(lines: Sequence[str]) -> list[int]:
    """1-based numbers of the lines that hold a candidate (`has_candidate(line)`).

    The lines are searched joined by "\\n": no literal and no pattern match holds a
    line break, so each match lies within one line. A search from the start of a line
    finds the leftmost match at or after it, so searching again from the start of the
    line after each match's line marks every line holding a match, once."""
    text, starts = joined(lines, "\n")
    low = text.lower()
    if len(low) != len(text):  # lower-casing changed lengths: go line by line
        return [n for n, line in enumerate(lines, 1) if has_candidate(line)]
    found: set[int] = set()
    _mark(_ANY_LITERAL, low, starts, found)
    for gate, pattern in _GATED:
        if gate is None:
            _mark(pattern, text, starts, found)
            continue
        gated: set[int] = set()  # the slow pattern runs on the lines its gate finds only
        _mark(gate, text, starts, gated)
        found.update(k for k in gated - found if pattern.search(lines[k]) is not None)
    return sorted(k + 1 for k in found)


def _mark(regex: re.Pattern[str], text: str, starts: list[int], found: set[int]) -> None:
    """Add to `found` the index of each line (starting at `starts`) that holds a match."""

    def find(pos: int) -> int:
        match = regex.search(text, pos)
        return -1 if match is None else match.start()

    mark_hits(find, starts, found)


class _Engine:
    """detect-secrets' per-line machinery (core.scan), run on candidate lines."""

    def __init__(self) -> None:
        from detect_secrets.core import scan
        from detect_secrets.settings import get_plugins
        from detect_secrets.transformers import get_transformers
        from detect_secrets.transformers.exceptions import ParsingError
        from detect_secrets.util.code_snippet import get_code_snippet
        from detect_secrets.util.filetype import FileType, determine_file_type

        self._scan = scan
        self._plugins = get_plugins()
        self._determine_file_type = determine_file_type
        self._types: dict[str, Any] = {}  # extension -> detect-secrets' file type
        # (line, file type) -> True: no applicable plugin finds anything on that line
        self._nothing: dict[tuple[str, Any], bool] = {}
        pure_lines, pure_strings = _pure_analyzers()
        self._cacheable = all(
            type(p).analyze_line in pure_lines and type(p).analyze_string in pure_strings
            for p in self._plugins
        )
        self._transformers: list[Any] = list(get_transformers())
        # each transformer with its should_parse_file as a test of the file type, where
        # that is detect-secrets' own (None: call it)
        self._transformer_tests = [(t, _type_test(t)) for t in self._transformers]
        self._parsing_error: type[Exception] = ParsingError
        self._snippet = get_code_snippet
        self._name_filters = _name_filters(scan.get_filters_with_parameter("filename"))
        self._nothing_to_find = _NothingToFind.of(self._plugins, self._transformers)
        self._yaml_type = FileType.YAML
        # content -> yaml_lines(content), None, or _UNSURE
        self._yaml: dict[str, list[str] | object | None] = {}
        self._yaml_chars = 0

    def scan(self, path: str, text: str) -> list[SecretHit]:
        file_type = self._file_type(path)
        proof = self._nothing_to_find
        if proof is not None and proof.holds(text, yaml=file_type == self._yaml_type):
            return []
        if self._file_filtered(path):
            return []
        for lines in self._line_sets(path, text, file_type):
            found = self._scan_lines(path, lines, file_type)
            if found:
                return found
        return []

    def _file_type(self, path: str) -> Any:
        """detect-secrets' `determine_file_type(path)`, a function of the extension
        (`os.path.splitext`) alone, remembered per extension."""
        ext = os.path.splitext(path)[1]
        found = self._types.get(ext)
        if found is None:
            if len(self._types) >= _CACHED_TYPES:
                self._types.clear()
            found = self._types[ext] = self._determine_file_type(path)
        return found

    def _file_filtered(self, path: str) -> bool:
        """`core.scan._is_filtered_out(["filename"], filename=path)`. When every filter
        that takes a file name is one of detect-secrets' pure name tests (or needs more
        than the name, so that call skips it), those tests run directly and their call
        only runs for a file they filter (to log as it does)."""
        if self._name_filters is None or any(test(path) for test in self._name_filters):
            return bool(
                self._scan._is_filtered_out(required_filter_parameters=["filename"], filename=path)
            )
        return False

    def _yaml_lines(self, content: str) -> list[str] | None:
        """`yaml_lines(content)`, remembered for the process (a pure function of the text;
        templated manifests recur across repositories). Raises Unsure as it does."""
        if content in self._yaml:
            found = self._yaml[content]
        else:
            try:
                found = yaml_lines(content)
            except Unsure:
                found = _UNSURE
            if len(content) <= min(_CACHED_YAML, _CACHED_YAML_CHARS):
                if self._yaml_chars + len(content) > _CACHED_YAML_CHARS:
                    self._yaml.clear()  # memory stays bounded
                    self._yaml_chars = 0
                self._yaml[content] = found
                self._yaml_chars += len(content)
        if found is _UNSURE:
            raise Unsure
        return None if found is None else list(cast("list[str]", found))

    def _line_sets(self, path: str, text: str, file_type: Any) -> Iterator[list[str]]:
        """What detect-secrets' scan_file reads: transformed lines (YAML, ini) or the
        raw lines, then, only if those held nothing, the eager transformers' lines."""
        content = _universal(text)
        yield self._transformed(path, text, eager=False, content=content, file_type=file_type) or (
            _readlines(text)
        )
        eager = self._transformed(path, text, eager=True, content=content, file_type=file_type)
        if eager:
            yield eager

    def _transformed(
        self,
        path: str,
        text: str,
        *,
        eager: bool,
        content: str | None = None,
        file_type: Any = None,
    ) -> list[str] | None:
        """detect_secrets.transformers.get_transformed_file, step for step, except that a
        transformer is not run when it would fail for certain (`_FAILS_FOR_CERTAIN`).
        `content` is `text` read with universal newlines, `file_type` detect-secrets'
        file type of `path` (both found here when not given)."""
        content = _universal(text) if content is None else content
        if file_type is None:
            file_type = self._file_type(path)
        for transformer, parses in self._transformer_tests:
            if transformer.is_eager != eager:
                continue
            if not (parses(file_type) if parses else transformer.should_parse_file(path)):
                continue
            name = type(transformer).__name__
            fails = _FAILS_FOR_CERTAIN.get(name)
            if fails is not None and fails(content):
                continue
            if name == "YAMLTransformer":
                try:
                    fast = self._yaml_lines(content)
                except Unsure:
                    pass  # outside what yaml_lines reproduces: run theirs
                else:
                    if fast is None:  # theirs raises ParsingError
                        continue
                    return fast
            handle = io.StringIO(text, newline=None)
            handle.name = path
            try:
                lines: list[str] = transformer.parse_file(cast(Any, handle))
            except self._parsing_error:
                continue
            return lines
        return None

    def _scan_lines(self, path: str, lines: list[str], file_type: Any) -> list[SecretHit]:
        out: set[tuple[int, str]] = set()
        for number in candidate_lines([ln.rstrip("\n") for ln in lines]):
            out.update((number, kind) for kind in self._scan_line(path, lines, number, file_type))
        return [SecretHit(path=path, line=n, type=kind) for n, kind in sorted(out)]

    def _scan_line(
        self, path: str, lines: list[str], number: int, file_type: object = None
    ) -> Iterator[str]:
        """Secret types found on one line, as core.scan._process_line_based_plugins
        finds them, with the plugins that cannot match the line skipped and the (pure)
        filters applied only to what a plugin found.

        Lines where no plugin found anything are remembered for the process (most
        candidate lines, `apiVersion: apps/v1` or `password: ${DB_PASSWORD}`, recur across
        files and repositories). Exact: which plugins run (`_applicable`) depends on the
        line alone; what a plugin finds there (its `analyze_line` and `analyze_string`,
        detect-secrets' own ones: `_pure_analyzers`, else there is no cache) depends on
        the line, on the file name only through detect-secrets' file type
        (KeywordDetector picks its regexes by it), and on the context only to verify a
        value it found; the plugins' settings live as long as this engine and its
        cache. Filters and the context only judge what a plugin found, so a line where
        every applicable plugin found nothing yields nothing whatever the file or its
        other lines. A plugin that raises leaves nothing remembered."""
        line = lines[number - 1].rstrip()
        key = (line, file_type)
        cache = self._cacheable and file_type is not None and len(line) <= _CACHED_LINE
        if cache and key in self._nothing:
            return
        context = self._snippet(lines=lines, line_number=number)
        line_ok: bool | None = None
        found = False
        for plugin in _applicable(self._plugins, line):
            for secret in plugin.analyze_line(
                filename=path, line=line, line_number=number, context=context
            ):
                found = True
                if line_ok is None:
                    line_ok = not self._filtered(
                        ["line"], filename=path, line=line, context=context
                    )
                if (
                    line_ok
                    and _high_entropy_keyword(str(secret.type), secret.secret_value)
                    and not self._filtered(
                        ["secret"],
                        filename=path,
                        secret=secret.secret_value,
                        plugin=plugin,
                        line=line,
                    )
                    and not self._filtered(
                        ["context"],
                        filename=path,
                        secret=secret.secret_value,
                        plugin=plugin,
                        line=line,
                        context=context,
                    )
                ):
                    yield str(secret.type)
        if cache and not found:
            if len(self._nothing) >= _CACHED_LINES:
                self._nothing.clear()  # memory stays bounded
            self._nothing[key] = True

    def _filtered(self, params: list[str], **kwargs: Any) -> bool:
        return bool(self._scan._is_filtered_out(required_filter_parameters=params, **kwargs))


# The caches are cleared when full: memory stays flat (a few MB per process; on 882
# repositories one process kept 7,643 lines and 4,811 YAML texts of 2.4 M characters).
# The line cache: at most this many lines of at most this many characters (< 6 MB).
_CACHED_LINES = 1 << 14
_CACHED_LINE = 200
# The YAML cache: texts of at most _CACHED_YAML characters, _CACHED_YAML_CHARS in all
# (with their lines, ~4 bytes a character: < 10 MB).
_CACHED_YAML = 1 << 14
_CACHED_YAML_CHARS = 1 << 21
_UNSURE = object()
_CACHED_TYPES = 1024  # extensions


def _type_test(transformer: Any) -> Callable[[Any], bool] | None:
    """`transformer.should_parse_file` as a function of detect-secrets' file type of the
    name, for its own transformers (whose test is that, or nothing); else None."""
    from detect_secrets.transformers.config import (
        ConfigFileTransformer,
        EagerConfigFileTransformer,
    )
    from detect_secrets.transformers.yaml import YAMLTransformer
    from detect_secrets.util.filetype import FileType

    test = type(transformer).should_parse_file
    if test is ConfigFileTransformer.__dict__["should_parse_file"]:
        return lambda file_type: True
    if test is EagerConfigFileTransformer.__dict__["should_parse_file"]:
        return lambda file_type: bool(file_type == FileType.OTHER)
    if test is YAMLTransformer.__dict__["should_parse_file"]:
        return lambda file_type: bool(file_type == FileType.YAML)
    return None


def _name_filters(filters: Sequence[Any]) -> list[Callable[[str], Any]] | None:
    """The tests `_is_filtered_out(["filename"], filename=...)` runs, as functions of the
    name, or None when one is not known to be a pure function of the name only."""
    from detect_secrets.filters import heuristic

    pure = {heuristic.is_lock_file, heuristic.is_non_text_file, heuristic.is_swagger_file}
    tests: list[Callable[[str], Any]] = []
    for test in filters:
        if test in pure:
            tests.append(test)
            continue
        try:
            inspect.signature(test).bind(filename="")
        except TypeError:
            continue  # needs more than the name: their call skips it (a TypeError)
        return None
    return tests


def _pure_analyzers() -> tuple[frozenset[Any], frozenset[Any]]:
    """detect-secrets' analyze_line and analyze_string functions whose result depends
    only on the line and the file type (checked against the plugins at set-up: a plugin
    with another one turns the line cache off)."""
    from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
    from detect_secrets.plugins.high_entropy_strings import HighEntropyStringsPlugin
    from detect_secrets.plugins.jwt import JwtTokenDetector
    from detect_secrets.plugins.keyword import KeywordDetector

    lines = (BasePlugin, HighEntropyStringsPlugin, KeywordDetector)
    strings = (RegexBasedDetector, HighEntropyStringsPlugin, JwtTokenDetector, KeywordDetector)
    return (
        frozenset(c.__dict__["analyze_line"] for c in lines),
        frozenset(c.__dict__["analyze_string"] for c in strings),
    )


def _without_values(low: str) -> str:
    """The line without long, digit-holding base64/hex runs: what is left names things."""
    return _VALUE_RUN.sub(lambda m: "" if any(c.isdigit() for c in m.group()) else m.group(), low)


def _needs(literals: Sequence[str], patterns: Sequence[str]) -> tuple[Any, Any]:
    """A plugin's needs as two searches: any of its literals, any of its patterns."""
    return (
        re.compile(_trie(literals)) if literals else None,
        re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None,
    )


_NEEDS = {kind: _needs(*needs) for kind, needs in _PLUGIN_NEEDS.items()}


def _applicable(plugins: Sequence[Any], line: str) -> Iterator[Any]:
    """The plugins that can find something on `line`: those whose literal (in the
    lower-cased line) or pattern is there (`_PLUGIN_NEEDS`), and those with no needs."""
    low = line.lower()
    names: str | None = None
    for plugin in plugins:
        kind = type(plugin).__name__
        needs = _NEEDS.get(kind)
        if needs is None:
            yield plugin
            continue
        literals, patterns = needs
        text = low
        if kind in _NAMED_PLUGINS:  # the secret-like name must be outside the value itself
            names = _without_values(low) if names is None else names
            text = names
        if (literals is not None and literals.search(text) is not None) or (
            patterns is not None and patterns.search(line) is not None
        ):
            yield plugin


def _entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _high_entropy_keyword(kind: str, value: str | None) -> bool:
    """A keyword finding is a secret only when its value looks random (checks.md: a
    *high-entropy* assignment to a secret-like name): `password: "pass"`, `secret:
    'sooper secret'`, `changeme`, `your-secret-key` or a validation rule such as
    `'required|string|min:6'` (only words and short numbers) are no credentials."""
    if kind != _KEYWORD_TYPE or value is None:
        return True
    return (
        len(value) >= KEYWORD_MIN_LENGTH
        and not any(c.isspace() for c in value)
        and _entropy(value) >= KEYWORD_MIN_ENTROPY
        and not all(_WORD_RUN.fullmatch(run) for run in _ALNUM_RUN.findall(value))
    )


# --- Files where no plugin can find anything ---------------------------------------
#
# Most candidate files are candidates through a name only (`apiVersion`, `secretKeyRef`,
# `key: name`), and what a plugin finds needs more than a name:
# - a high-entropy plugin: a quoted run of its characters whose entropy exceeds its limit,
#   so with more than 2**limit different characters (entropy is at most log2 of that
#   number): 23 for base64 (4.5), 8 for hex (3.0);
# - the keyword plugin, as counted here (`_high_entropy_keyword`): a denylisted name and
#   a value of at least 8 different characters, without whitespace or quotes;
# - the keyword forms of AWS' secret key, Cloudant, IBM Cloud IAM, IBM COS HMAC and
#   SoftLayer: a long run of key characters (`_KEY_RUNS`, from their patterns);
# - every other plugin: its literal or pattern (`_PLUGIN_NEEDS`: `_applicable` runs it on
#   no other line).
# The lines scanned are the text's own or those the ini and YAML transformers write,
# `key = "value"` and `key: "value"comment`, whose keys, values and comments are pieces of
# the text joined by whitespace (ini: unless `%(` interpolates another option into a
# value; YAML: when `yamllines.verbatim`), with at most one character added next to a
# piece: the `\` escaping a `"` in a value, or the `:` after a key (the ` = ` between
# an ini key and value stands apart). So a run of characters in a scanned line is part
# of a run in the text, plus perhaps that one character, or that lone `=`; and a literal
# or pattern without whitespace in a scanned line is in the text (a space in a literal,
# "private key", may be any whitespace there).


def _spellings(*parts: Sequence[str]) -> tuple[str, ...]:
    """Every concatenation of one string of each part."""
    return tuple("".join(chosen) for chosen in product(*parts))


_SEPARATOR = ("", "_", "-")
# A `_KEY_RUNS` plugin's needs, from its patterns: the names one of which its keyword
# form holds (empty: any name) and the runs of key characters (characters, length) one
# of which its value holds, both matched case-insensitively as its patterns are.
_KEY_RUNS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, int], ...]]] = {
    # `aws_secret_key = "..."` (its key ids start with its literals)
    "AWSKeyDetector": (("aws",), (("0-9a-z/+", 40),)),
    "CloudantDetector": (
        (
            "cloudant",
            *_spellings(
                ("cl", "clou"), _SEPARATOR, ("", "api"), ("key", "pwd", "pw", "pass", "token")
            ),
        ),
        (("0-9a-f", 64), ("a-z", 24)),
    ),
    "IbmCloudIamDetector": ((), (("a-z0-9_\\-", 44),)),
    "IbmCosHmacDetector": (
        _spellings(("secret",), _SEPARATOR, ("", "access"), _SEPARATOR, ("key",)),
        (("a-f0-9", 48),),
    ),
    "SoftlayerDetector": (
        (
            "softlayer",
            *_spellings(
                ("sl",), _SEPARATOR, ("", "api"), _SEPARATOR, ("key", "pwd", "pass", "token")
            ),
        ),
        (("a-z0-9", 64),),
    ),
}
# The literals of a `_KEY_RUNS` plugin that mark its other patterns
_KEY_LITERALS = {"AWSKeyDetector": ("akia", "asia", "abia", "acca", "a3t")}
_ADDED = frozenset("\\:")  # what a transformer may add next to a piece of the text
_KEYWORD_VALUE_RUN = r"""[^\s'"]"""
_INTERPOLATION = "%("
_OWN_PLUGINS = "detect_secrets.plugins."
_ENTROPY_SLACK = 1e-9  # float rounding: 8 equally frequent characters may give 3.0000000000000004


def _fewest_characters(limit: float) -> int:
    """The fewest different characters of a string whose entropy may reach `limit`."""
    return math.ceil(2 ** (limit - _ENTROPY_SLACK))


def _run_of(characters: str, fewest: int) -> tuple[re.Pattern[str], int]:
    """A run in the text that may be part of a scanned run of `characters` (a regex
    character class) with at least `fewest` different characters, and how many
    different characters that text run needs."""
    need = fewest - (1 if any(re.fullmatch(characters, c) for c in _ADDED) else 0)
    return re.compile(f"{characters}{{{need},}}"), need


def _alternatives(runs: Sequence[tuple[str, int]]) -> str:
    return "|".join(f"[{chars}]{{{length}}}" for chars, length in runs)


def _has_run(run: tuple[re.Pattern[str], int], text: str) -> bool:
    regex, need = run
    return any(len(set(match.group())) >= need for match in regex.finditer(text))


# What may stand just before the first character of a value a transformer quotes, or of
# a quoted string, in the text: a quote, whitespace, the start of the text (or a byte
# order mark), a YAML flow indicator or `:`, an ini `=`; and just after its last one.
_OPENS = frozenset("'\"[{,:=\ufeff")
_CLOSES = frozenset("'\",]}[{:")


def _has_quoted_run(run: tuple[re.Pattern[str], int], text: str) -> bool:
    """`_has_run`, for runs that the high-entropy plugins only see between quotes: a
    scanned run between quotes is either between quotes in the text or a whole value the
    transformer quoted; a YAML scalar starts and ends where `_OPENS` and `_CLOSES` say,
    an ini value after the `=` that ends its key (inside the run when `=` is one of its
    characters) and before whitespace."""
    regex, need = run
    end_of_text = len(text)
    for match in regex.finditer(text):
        start, end = match.span()
        if end < end_of_text and not (text[end] in _CLOSES or text[end].isspace()):
            continue
        found = match.group()
        if len(set(found)) < need:
            continue
        if start == 0 or text[start - 1] in _OPENS or text[start - 1].isspace():
            return True
        cut = found.find("=")
        while cut != -1:
            if len(set(found[cut + 1 :])) >= need:
                return True
            cut = found.find("=", cut + 1)
    return False


def _denylisted(denylist: Sequence[str]) -> tuple[str, ...]:
    """The keyword plugin's denylist (`api_?key`, `password`...) spelled out: an optional
    underscore is its only pattern syntax."""
    return tuple(
        spelled
        for entry in denylist
        for spelled in _spellings(
            *[("", "_") if part == "_?" else (part,) for part in re.split(r"(_\?)", entry)]
        )
    )


class _NothingToFind:
    """Proof, from a file's text alone, that the engine finds nothing in it and raises
    nothing (see above): then neither the transformers nor the plugins need to run.

    It is tried on ASCII texts only: there, what the plugins match case-insensitively is
    what a search of the lower-cased text finds."""

    def __init__(self, plugins: Sequence[Any]) -> None:
        from detect_secrets.plugins.keyword import DENYLIST

        literals: set[str] = set()
        # a named key plugin: (its names, its runs); a nameless one: its runs
        self.key_plugins: list[tuple[re.Pattern[str], re.Pattern[str]]] = []
        self.key_runs: list[re.Pattern[str]] = []
        self.entropy_runs: list[tuple[re.Pattern[str], int]] = []
        names: list[str] = []
        self.keyword = False
        for plugin in plugins:
            kind = type(plugin).__name__
            if kind in _NAMED_PLUGINS:
                charset = "[" + re.escape(plugin.charset) + "]"
                fewest = _fewest_characters(plugin.entropy_limit)
                self.entropy_runs.append(_run_of(charset, fewest))
            elif kind == "KeywordDetector":
                self.keyword = True
                names += _denylisted(DENYLIST)
            elif kind in _KEY_RUNS:
                key_names, runs = _KEY_RUNS[kind]
                if key_names:
                    names += key_names
                    self.key_plugins.append(
                        (re.compile(_trie(key_names)), re.compile(_alternatives(runs)))
                    )
                else:
                    self.key_runs.append(re.compile(_alternatives(runs)))
                literals.update(_KEY_LITERALS.get(kind, ()))
            else:
                literals.update(_PLUGIN_NEEDS[kind][0])
        self.literals = re.compile(_trie(sorted(literals), space=r"\s+")) if literals else None
        self.keyword_names = re.compile(_trie(_denylisted(DENYLIST)))
        self.keyword_value = _run_of(
            _KEYWORD_VALUE_RUN, max(KEYWORD_MIN_LENGTH, _fewest_characters(KEYWORD_MIN_ENTROPY))
        )
        # one search for what all the rest needs: a literal or a name
        self.named = re.compile(_trie([*literals, *names], space=r"\s+"))

    @staticmethod
    def of(plugins: Sequence[Any], transformers: Sequence[Any]) -> _NothingToFind | None:
        """The proof for these plugins and transformers, or None when one of them is not
        detect-secrets' own (nothing is known of what it finds or writes)."""
        if not all(
            type(p).__name__ in _PLUGIN_NEEDS and type(p).__module__.startswith(_OWN_PLUGINS)
            for p in plugins
        ) or not all(_type_test(t) is not None for t in transformers):
            return None
        return _NothingToFind(plugins)

    def holds(self, text: str, yaml: bool) -> bool:
        """True when nothing can be found in `text`; `yaml`: the YAML transformer reads it."""
        if not text.isascii() or _INTERPOLATION in text or (yaml and not verbatim(text)):
            return False
        if _has_pattern(text) or any(_has_quoted_run(run, text) for run in self.entropy_runs):
            return False
        low = text.lower()
        if any(run.search(low) is not None for run in self.key_runs):
            return False
        if self.named.search(low) is None:
            return True
        return not (
            (self.literals is not None and self.literals.search(low) is not None)
            or any(
                names.search(low) is not None and runs.search(low) is not None
                for names, runs in self.key_plugins
            )
            or (
                self.keyword
                and self.keyword_names.search(low) is not None
                and _has_run(self.keyword_value, text)
            )
        )


# A line configparser can read neither as a section header nor as an option, whatever
# precedes it: not indented (so never a continuation line), not a comment (`#`, `;`), no
# `[` header, no `=`/`:` delimiter.
_NOT_INI_LINE = re.compile(r"^(?![#;\[=:])[!-~][^=:\n]*$", re.MULTILINE)


def ini_cannot_parse(content: str) -> bool:
    """True when detect-secrets' ini transformers fail on `content` (the file as they
    read it: universal newlines) for certain. configparser (no inline comment prefixes,
    strict, `=`/`:` delimiters; it splits at "\n" only) records a ParsingError for such
    a line (or raises MissingSectionHeaderError there), and every error it raises is a
    configparser.Error, which the transformer turns into "no transformed lines"."""
    return _NOT_INI_LINE.search(content) is not None


def ini_needs_header(content: str) -> bool:
    """True when the header-less ini transformer (ConfigFileTransformer) fails on
    `content` for certain: the first line that is neither blank nor a comment is no
    `[section]` line (configparser raises MissingSectionHeaderError there), or there is
    no such line (no sections: IniFileParser raises configparser.Error)."""
    start = 0
    while True:  # content.split("\n") one line at a time: the first such line decides
        end = content.find("\n", start)
        value = (content[start:] if end == -1 else content[start:end]).strip()
        if value and not value.startswith(("#", ";")):
            return not value.startswith("[")
        if end == -1:
            return True
        start = end + 1


def _header_less_fails(content: str) -> bool:
    return ini_needs_header(content) or ini_cannot_parse(content)


# detect-secrets transformer (class name) -> a test that it fails for certain
_FAILS_FOR_CERTAIN: dict[str, Callable[[str], bool]] = {
    "ConfigFileTransformer": _header_less_fails,
    "EagerConfigFileTransformer": ini_cannot_parse,
}


def _universal(text: str) -> str:
    """`text` as the transformers read it (universal newlines)."""
    return io.StringIO(text, newline=None).read()


def _readlines(text: str) -> list[str]:
    """Lines as detect-secrets reads a file (universal newlines, ends kept)."""
    return io.StringIO(text, newline=None).readlines()


@contextmanager
def _detect_secrets() -> Iterator[_Engine]:
    """detect-secrets' default plugins and filters (the IP plugin and the file-exists
    filter off: texts are in memory) and the engine on them."""
    yield _engine()


# The set-up is kept for the life of the process (settings are process-global, and
# setting them up and back costs ~0.7 ms per repository): [its ExitStack, the engine,
# the plugin and filter settings it was made with].
_KEPT: list[Any] = []


def _engine() -> _Engine:
    """The process's engine. Its settings are checked at each use: if something else
    in the process changed detect-secrets' settings since, the set-up is undone and
    done again, exactly as a fresh `default_settings()` scan would find them."""
    from detect_secrets.settings import default_settings, get_filters, get_settings

    if _KEPT:
        stack, engine, plugins, filters = _KEPT
        settings = get_settings()
        if settings.plugins == plugins and settings.filters == filters:
            return cast(_Engine, engine)
        _KEPT.clear()
        stack.close()
    stack = ExitStack()
    try:
        settings = stack.enter_context(default_settings())
        settings.disable_plugins(*_DISABLED_PLUGINS)
        settings.disable_filters(_INVALID_FILE_FILTER)
        get_filters.cache_clear()
        engine = _Engine()
    except BaseException:
        stack.close()
        raise
    if not _KEPT:
        atexit.register(_release)  # undone while imports still work, not at teardown
    _KEPT[:] = [stack, engine, copy.deepcopy(settings.plugins), copy.deepcopy(settings.filters)]
    return engine


def _release() -> None:
    if _KEPT:
        stack = _KEPT[0]
        _KEPT.clear()
        stack.close()
