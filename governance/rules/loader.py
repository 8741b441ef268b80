"""YAML loading that remembers line numbers, so a broken policy names its file and line."""
from __future__ import annotations

from pathlib import Path

import yaml


class PolicyError(Exception):
    """A policy file that cannot be used. str() reads `file:line: reason`."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")


class LineDict(dict):
    line: int = 0


class LineList(list):
    line: int = 0


# Policy files are a few kilobytes; a proposal pasted on the policy-diff page is bounded too.
MAX_YAML_BYTES = 1024 * 1024


class _LineLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        # Aliases let a few hundred bytes expand into gigabytes (a "billion laughs"); the
        # office's files never need them, so they are refused before anything is built.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted in policy files",
                event.start_mark)
        return super().compose_node(parent, index)


def _mapping(loader, node):
    loader.flatten_mapping(node)
    result = LineDict(loader.construct_pairs(node, deep=True))
    seen = set()
    for key_node, _ in node.value:  # one pass: a long mapping is checked in linear time
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:  # an unhashable key (a list): the mapping cannot hold it anyway
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {str(key)!r}", key_node.start_mark)
    result.line = node.start_mark.line + 1
    return result


def _sequence(loader, node):
    result = LineList(loader.construct_sequence(node, deep=True))
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_yaml(path: Path) -> LineDict:
    """The file's top-level mapping, or PolicyError with the line of the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PolicyError(path, None, "file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(path, None, f"cannot read: {exc}") from exc
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path | str) -> LineDict:
    """`text`'s top-level mapping; `path` names it in errors (a file, or "candidate")."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        raise PolicyError(path, None, f"larger than {MAX_YAML_BYTES // 1024} KiB; a policy "
                                      "file is a few kilobytes")
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise PolicyError(path, mark.line + 1 if mark else None,
                          f"invalid YAML: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise PolicyError(path, None, f"invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyError(path, 1, "the file must hold a mapping at the top level")
    return data


def line_of(value, fallback: int | None = None) -> int | None:
    return getattr(value, "line", None) or fallback
