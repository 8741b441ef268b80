"""Usage contexts, linking options and per-kind questions that request forms offer.

`policies/contexts.yaml` and `policies/questions.yaml`; the format is documented at the top of
each file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from governance.rules.loader import PolicyError, line_of, load_yaml

QUESTION_TYPES = ("text", "paragraph", "yesno", "date", "choice")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    type: str
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestRules:
    contexts: tuple[Option, ...]
    linking: tuple[Option, ...]
    questions: dict[str, tuple[Question, ...]] = field(default_factory=dict)

    def context(self, context_id: str) -> Option | None:
        return next((c for c in self.contexts if c.id == context_id), None)

    def context_label(self, context_id: str) -> str:
        found = self.context(context_id)
        return found.label if found else context_id

    def linking_label(self, linking_id: str) -> str:
        found = next((o for o in self.linking if o.id == linking_id), None)
        return found.label if found else linking_id

    def questions_for(self, kind: str) -> tuple[Question, ...]:
        return self.questions.get(kind, ())


def _text(entry, key, path, required=True) -> str:
    value = entry.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PolicyError(path, line_of(entry), f"'{key}' must be text")
    if required and not value.strip():
        raise PolicyError(path, line_of(entry), f"'{key}' is required")
    return value.strip()


def _options(data, key, path) -> tuple[Option, ...]:
    entries = data.get(key)
    if not isinstance(entries, list) or not entries:
        raise PolicyError(path, line_of(data, 1), f"'{key}' must be a non-empty list")
    seen, options = set(), []
    for entry in entries:
        if not isinstance(entry, dict):
            raise PolicyError(path, line_of(entries), f"each entry of '{key}' must be a mapping")
        option_id = _text(entry, "id", path)
        if not ID_PATTERN.match(option_id):
            raise PolicyError(path, line_of(entry),
                              f"id {option_id!r}: use lower-case letters, digits, - and _")
        if option_id in seen:
            raise PolicyError(path, line_of(entry), f"duplicate id {option_id!r} in '{key}'")
        seen.add(option_id)
        options.append(Option(option_id, _text(entry, "label", path),
                              _text(entry, "description", path, required=False)))
    return tuple(options)


def _question(entry, path) -> Question:
    if not isinstance(entry, dict):
        raise PolicyError(path, None, "each question must be a mapping")
    qid = _text(entry, "id", path)
    if not ID_PATTERN.match(qid):
        raise PolicyError(path, line_of(entry), f"question id {qid!r}: use a-z, 0-9, - and _")
    qtype = _text(entry, "type", path)
    if qtype not in QUESTION_TYPES:
        raise PolicyError(path, line_of(entry),
                          f"question {qid!r}: type must be one of {', '.join(QUESTION_TYPES)}")
    required = entry.get("required", False)
    if not isinstance(required, bool):
        raise PolicyError(path, line_of(entry), f"question {qid!r}: 'required' is true or false")
    choices = entry.get("choices") or []
    if qtype == "choice":
        if not isinstance(choices, list) or not choices or not all(
                isinstance(c, str) and c.strip() for c in choices):
            raise PolicyError(path, line_of(entry),
                              f"question {qid!r}: a choice question needs a list of 'choices'")
    elif choices:
        raise PolicyError(path, line_of(entry),
                          f"question {qid!r}: only choice questions take 'choices'")
    return Question(qid, _text(entry, "label", path), qtype, required,
                    _text(entry, "help", path, required=False), tuple(c.strip() for c in choices))


def load_request_rules(policies_dir: Path | str) -> RequestRules:
    policies_dir = Path(policies_dir)
    contexts_path = policies_dir / "contexts.yaml"
    contexts_data = load_yaml(contexts_path)
    contexts = _options(contexts_data, "usage_contexts", contexts_path)
    linking = _options(contexts_data, "linking", contexts_path)

    questions_path = policies_dir / "questions.yaml"
    questions_data = load_yaml(questions_path)
    kinds = questions_data.get("request_kinds")
    if not isinstance(kinds, dict):
        raise PolicyError(questions_path, line_of(questions_data, 1),
                          "'request_kinds' must map each request kind to its questions")
    questions = {}
    for kind, entries in kinds.items():
        if not isinstance(entries, list):
            raise PolicyError(questions_path, line_of(kinds),
                              f"request kind {kind!r}: give a list of questions")
        parsed = tuple(_question(e, questions_path) for e in entries)
        ids = [q.id for q in parsed]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise PolicyError(questions_path, line_of(entries),
                              f"request kind {kind!r}: duplicate question id {sorted(dupes)[0]!r}")
        questions[str(kind)] = parsed
    return RequestRules(contexts, linking, questions)
