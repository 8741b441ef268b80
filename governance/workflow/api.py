"""What every kind's API does the same way: answer a request with the steps the caller may
take now, and fire a named step with the shared body (TransitionSchema)."""
from __future__ import annotations

from governance.database import unit_of_work
from governance.errors import NotFound
from governance.states import PERSON_TRANSITIONS
from governance.web.api_kit import api_user
from governance.workflow import services as workflow
from governance.workflow.schemas import transition_inputs


def with_steps(item):
    item.allowed_steps = [t.name for t in workflow.allowed_transitions(item, api_user())]
    return item


def fire(model, request_id: int, name: str, data: dict):
    """The step `name` on the caller's request `request_id` of `model`, with the loaded
    TransitionSchema `data`, committed; the request with its steps."""
    if name not in PERSON_TRANSITIONS:
        raise NotFound(f"No transition “{name}”. "
                       f"Known: {', '.join(sorted(PERSON_TRANSITIONS))}.")
    item = workflow.get_for(api_user(), request_id, model)
    with unit_of_work():
        workflow.transition(item, api_user(), name, expected_version=data["version"],
                            reason=data["reason"], conditions=data["conditions"],
                            expires_on=data["expires_on"], inputs=transition_inputs(data))
    return with_steps(item)
