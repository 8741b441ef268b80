"""Secrets and internal references in code to publish. Secrets are found by detect-secrets:
its detectors of cloud keys, private keys and tokens in every file, and its high-entropy,
keyword and public-address detectors in configuration files only (in source code they mostly
find base64 alphabets, hashes and test fixtures). An item names the file, the line and the kind
of secret, never the secret itself."""
from __future__ import annotations

import re
import threading
from functools import lru_cache

from detect_secrets.core.scan import scan_file
from detect_secrets.settings import default_settings, get_settings, transient_settings

from governance.code_checks.checklist import CheckItem, rule_items
from governance.code_checks.tree import RepoTree
from governance.rules.github import GitHubPolicy

# detect-secrets keeps its settings in a module-level object: one scan at a time.
_SETTINGS_LOCK = threading.Lock()
_HOST = re.compile(r"(?<![A-Za-z0-9_.-])((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                   r"[A-Za-z]{2,63})(?![A-Za-z0-9-])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63})")
MAX_TEXT_BYTES = 2 * 1024 * 1024
CONFIG_ONLY = frozenset({"Base64HighEntropyString", "HexHighEntropyString", "KeywordDetector",
                         "IPPublicDetector"})
CONFIG_SUFFIXES = (".env", ".ini", ".cfg", ".conf", ".config", ".toml", ".yaml", ".yml",
                   ".json", ".properties", ".xml", ".tfvars", ".npmrc", ".pypirc", ".netrc",
                   ".htpasswd")


def is_config(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name.endswith(CONFIG_SUFFIXES) or name.startswith(".env")


@lru_cache(maxsize=1)
def _settings() -> tuple[dict, dict]:
    """(for source code, for configuration): detect-secrets' defaults, with and without the
    configuration-only detectors, and its default filters for both."""
    with _SETTINGS_LOCK, default_settings():
        settings = get_settings()
        plugins = [{"name": name, **dict(config)} for name, config in settings.plugins.items()]
        filters = [{"path": path, **dict(config)} for path, config in settings.filters.items()]
    code = [p for p in plugins if p["name"] not in CONFIG_ONLY]
    return ({"plugins_used": code, "filters_used": filters},
            {"plugins_used": plugins, "filters_used": filters})


def check_secrets(tree: RepoTree, paths: list[str]) -> list[CheckItem]:
    found: dict[tuple[str, int], set[str]] = {}
    code_settings, config_settings = _settings()
    for settings, group in ((code_settings, [p for p in paths if not is_config(p)]),
                            (config_settings, [p for p in paths if is_config(p)])):
        with _SETTINGS_LOCK, transient_settings(settings):
            for path in group:
                for secret in scan_file(str(tree.root / path)):
                    found.setdefault((path, secret.line_number), set()).add(secret.type)
    items = [CheckItem("secrets.detected", "fail",
                       f"{', '.join(sorted(kinds))} on line {line}: remove it and revoke it "
                       "(it stays in the history of anyone who saw it).", path, line)
             for (path, line), kinds in found.items()]
    return rule_items("secrets.detected", items, "No secrets found.")


def check_internal_references(tree: RepoTree, paths: list[str],
                              policy: GitHubPolicy) -> list[CheckItem]:
    hosts, emails = [], []
    domains = policy.internal_email_domains
    for path in paths:
        text = tree.read_text(path, MAX_TEXT_BYTES)
        for number, line in enumerate(text.splitlines(), 1):
            for match in _EMAIL.finditer(line):
                domain = match.group(1).lower()
                if any(domain == d or domain.endswith("." + d) for d in domains):
                    emails.append(CheckItem("secrets.internal_email", "fail",
                                            f"An internal e-mail address (@{domain}) on line "
                                            f"{number}.", path, number))
            line_without_emails = _EMAIL.sub(" ", line)
            for match in _HOST.finditer(line_without_emails):
                if policy.internal_host(match.group(1)):
                    hosts.append(CheckItem("secrets.internal_host", "fail",
                                           f"The internal host {match.group(1)} on line "
                                           f"{number}.", path, number))
    return (rule_items("secrets.internal_host", hosts, "No internal host names.")
            + rule_items("secrets.internal_email", emails, "No internal e-mail addresses."))
