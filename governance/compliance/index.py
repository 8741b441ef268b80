"""The office's requests as the compliance core sees them, and the index that finds the ones an
SBOM component concerns.

How a component finds its requests (the same for SBOM import and the CI gate):
- A component with a readable purl is looked up by its match key (`sbom.match_key`: type,
  namespace, name and version; qualifiers and subpath ignored; pypi names PEP 503-normalised).
  It also finds, by name and version, the requests that have no purl at all: such a request
  names no ecosystem, so name and version are all there is to compare.
- It does not fall back to name and version among requests that have a purl, even when its
  own purl matches none of them: the purl says which ecosystem, and npm's `colors@1.4.0` is
  not PyPI's. A request written with the wrong purl is corrected in the request, not guessed
  at here.
- A component without a purl, or with one that cannot be read, is looked up by
  `component_key(name, version)` among all requests, with a purl or without.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from governance.sbom import SbomComponent, component_key, match_key
from governance.states import APPROVED_STATES as _APPROVED
from governance.states import State

# The request states as the plain values this core compares (the vocabulary is governance.states).
APPROVED_STATES = tuple(sorted(s.value for s in _APPROVED))
PENDING_STATES = tuple(s.value for s in (State.DRAFT, State.SUBMITTED, State.IN_REVIEW,
                                         State.CHANGES_REQUESTED))
REQUEST_STATES = tuple(s.value for s in State)

_NOTHING: tuple[KnownRequest, ...] = ()


@dataclass(frozen=True)
class KnownRequest:
    """A request for a package version in one usage context, reduced to what coverage needs.

    `match_key` is `sbom.match_key()` of the request's purl (None when it has none);
    `name_key` is `sbom.component_key(name, version)`. `expired` is True for an approval past
    its expiry date (the caller knows today's date; this core does not ask the clock).
    """

    request_id: int
    title: str
    match_key: str | None
    name_key: str
    context: str
    state: str
    expired: bool = False
    product: str | None = None
    team: str = ""

    def __post_init__(self) -> None:
        if self.state not in REQUEST_STATES:
            raise ValueError(f"request #{self.request_id} has the unknown state "
                             f"{self.state!r}; expected one of {', '.join(REQUEST_STATES)}")

    @property
    def approved(self) -> bool:
        """An approval that still holds."""
        return self.state in APPROVED_STATES and not self.expired


class RequestIndex:
    """Requests by match key and by name key, built once, then one or two dict lookups per
    component."""

    def __init__(self, requests: Iterable[KnownRequest] = ()) -> None:
        self._requests = tuple(requests)
        self._by_match: dict[str, list[KnownRequest]] = {}
        self._by_name: dict[str, list[KnownRequest]] = {}
        self._by_name_without_purl: dict[str, list[KnownRequest]] = {}
        for request in self._requests:
            self._by_name.setdefault(request.name_key, []).append(request)
            if request.match_key is None:
                self._by_name_without_purl.setdefault(request.name_key, []).append(request)
            else:
                self._by_match.setdefault(request.match_key, []).append(request)

    def __len__(self) -> int:
        return len(self._requests)

    def __iter__(self) -> Iterator[KnownRequest]:
        return iter(self._requests)

    def requests_for(self, component: SbomComponent) -> list[KnownRequest]:
        """The requests for this package version, in every context and state, in the order
        the index was given them (see the module docstring for how they are matched)."""
        key = match_key(component.purl) if component.purl else None
        name_key = component_key(component.name, component.version)
        if key is None:
            return list(self._by_name.get(name_key, _NOTHING))
        return [*self._by_match.get(key, _NOTHING),
                *self._by_name_without_purl.get(name_key, _NOTHING)]
