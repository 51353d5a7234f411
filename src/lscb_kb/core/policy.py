"""What pages may use, read from ``conf/safety.toml``: one allowlist for the check and the build.

The allowlist names the MyST syntax extensions, the directives (each with its options), the
roles, the ``{{ name }}`` substitutions and the front-matter settings that pages may use, and
the URL schemes that links may have. :mod:`lscb_kb.checks.safety` (``lscb-kb check``) and
:mod:`lscb_kb.sphinxext.safety` (the build) both ask a :class:`SafetyPolicy`, and both word
a refusal with the functions here, so that they say the same thing at the same line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .problems import LscbError, Problem, display_path
from .tomlfile import parse_toml

POLICY_FILE = Path("conf") / "safety.toml"

_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True)
class SafetyPolicy:
    """The allowlist of ``conf/safety.toml``."""

    myst_extensions: frozenset[str] = frozenset()
    front_matter: frozenset[str] = frozenset()
    substitutions: frozenset[str] = frozenset()
    directives: dict[str, frozenset[str]] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()
    schemes: frozenset[str] = frozenset({"https", "http", "mailto"})
    file: str = str(POLICY_FILE)

    # -- directives and roles -------------------------------------------------------------

    def directive_allowed(self, name: str) -> bool:
        return name.lower() in self.directives

    def options_refused(self, name: str, options: list[str]) -> list[str]:
        """The options of *options* that directive *name* may not be given."""
        allowed = self.directives.get(name.lower(), frozenset())
        return sorted(option for option in options if option not in allowed)

    def role_allowed(self, name: str) -> bool:
        return name.lower() in self.roles

    def directive_message(self, name: str) -> str:
        return (
            f"the directive '{name}' is not allowed on a page; allowed: "
            f"{', '.join(sorted(self.directives))} ({self.file} lists them)"
        )

    def options_message(self, name: str, refused: list[str]) -> str:
        allowed = sorted(self.directives.get(name.lower(), frozenset()))
        listed = ", ".join(f":{option}:" for option in allowed) or "none"
        return (
            f"'{name}' may not be given the option{'s' if len(refused) > 1 else ''} "
            f"{', '.join(f':{option}:' for option in refused)}; allowed: {listed} "
            f"({self.file})"
        )

    def role_message(self, name: str) -> str:
        return (
            f"the role '{{{name}}}' is not allowed on a page; allowed: "
            f"{', '.join(sorted(self.roles))} ({self.file} lists them)"
        )

    # -- substitutions and front matter ---------------------------------------------------

    def substitution_message(self, expression: str) -> str:
        shown = " ".join(expression.split())[:40]
        names = ", ".join(f"{{{{ {name} }}}}" for name in sorted(self.substitutions)) or "none"
        return (
            f"'{{{{ {shown} }}}}' is not allowed: a substitution may only name one of {names}, "
            f"which are shown as plain text ({self.file})"
        )

    def front_matter_message(self, key: str) -> str:
        if key in ("substitutions", "myst.substitutions"):
            return (
                "front matter may not define substitutions: the values a page may show with "
                f"{{{{ name }}}} are fixed in conf/conf.py and listed in {self.file}"
            )
        if key in ("abstract", "dedication"):
            return (
                f"front matter may not set '{key}': it is read as Markdown outside the page's "
                "text; write it on the page instead"
            )
        if key in ("html_meta", "myst.html_meta"):
            return "front matter may not set 'html_meta': a page may not add HTML to the <head>"
        setting = key.removeprefix("myst.")
        return (
            f"front matter may not change the MyST setting '{setting}': the site's MyST "
            "settings are in conf/conf.py and keep raw HTML and scripts out of every page; "
            f"allowed here: {', '.join(sorted(self.front_matter)) or 'none'} ({self.file})"
        )

    # -- links ----------------------------------------------------------------------------

    def url_allowed(self, url: str) -> bool:
        """Whether *url* may be a link, image or form address on the site.

        Relative addresses (a page, a file, ``#anchor``, ``?query``) are allowed, and absolute
        ones whose scheme is listed. Browsers ignore control characters, spaces and zero-width
        characters inside a scheme, and its case, so they are removed before it is read. An
        address that starts with ``//`` or ``\\`` goes to another site without naming a scheme
        and is refused.
        """
        cleaned = _CONTROL.sub("", url)
        if cleaned.startswith(("//", "\\\\", "/\\", "\\/")):
            return False
        match = _SCHEME.match(cleaned)
        if match is None:
            return ":" not in cleaned.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        if match.group(1).lower() not in self.schemes:
            return False
        try:
            urlsplit(cleaned)
        except ValueError:
            return False
        return True

    def url_message(self, url: str) -> str:
        cleaned = _CONTROL.sub("", url)
        match = _SCHEME.match(cleaned)
        shown = url if len(url) <= 60 else url[:57] + "..."
        what = f"a '{match.group(1).lower()}:' address" if match else f"'{shown}'"
        return (
            f"a link to {what} is not allowed (it could run code in a reader's browser or "
            f"send them elsewhere unseen); allowed: addresses of this site and "
            f"{', '.join(f'{scheme}:' for scheme in sorted(self.schemes))} ({self.file})"
        )


def _strings(raw: object, key: str, shown: str) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise LscbError([Problem(shown, 1, 0, key, "must be a list of quoted names", "config")])
    return frozenset(item.strip() for item in raw)


def load_policy(root: Path) -> SafetyPolicy:
    """Read ``conf/safety.toml`` under *root*; a missing or malformed file is an error."""
    path = root / POLICY_FILE
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LscbError(
            [
                Problem(
                    shown,
                    1,
                    0,
                    "",
                    "is missing: it lists the directives, roles and links that pages may use, "
                    "and without it nothing can be published",
                    "config",
                )
            ]
        ) from None
    return _policy(data, shown)


@functools.lru_cache(maxsize=16)
def _policy(data: bytes, shown: str) -> SafetyPolicy:
    """The allowlist in the bytes *data* of ``conf/safety.toml`` (shown as *shown*).

    A check reads the allowlist once for each of its scans, and a build once more: the same
    bytes give the same (frozen) allowlist, so it is worked out once for them.
    """
    raw, _text = parse_toml(data, shown)
    myst = raw.get("myst", {})
    directives_raw = raw.get("directives", {})
    if not isinstance(myst, dict) or not isinstance(directives_raw, dict):
        raise LscbError(
            [Problem(shown, 1, 0, "", "[myst] and [directives] must be tables", "config")]
        )
    directives = {
        str(name).lower(): _strings(options, f"directives.{name}", shown)
        for name, options in directives_raw.items()
    }
    return SafetyPolicy(
        myst_extensions=_strings(myst.get("extensions", []), "myst.extensions", shown),
        front_matter=_strings(myst.get("front_matter", []), "myst.front_matter", shown),
        substitutions=_strings(myst.get("substitutions", []), "myst.substitutions", shown),
        directives=directives,
        roles=frozenset(
            name.lower()
            for name in _strings(raw.get("roles", {}).get("allowed", []), "roles.allowed", shown)
        ),
        schemes=frozenset(
            scheme.lower().rstrip(":")
            for scheme in _strings(
                raw.get("links", {}).get("schemes", ["https", "http", "mailto"]),
                "links.schemes",
                shown,
            )
        ),
        file=shown,
    )
