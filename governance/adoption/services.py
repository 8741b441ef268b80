"""Adoption requests: creating, editing, listing and comparing them.

The shared steps (submit, review, decide, comment) live in governance.workflow.services.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from governance import policies
from governance.adoption.models import JUSTIFICATION_NEEDED, AdoptionRequest
from governance.auth import permissions as may
from governance.auth.models import Team, User
from governance.components import services as components
from governance.components.models import Component, Product
from governance.database import db, get_by_id
from governance.errors import IllegalTransition, ValidationFailed
from governance.exports import is_exportable_url
from governance.license_review import verdicts
from governance.rules.request_rules import Question, RequestRules
from governance.states import EDITABLE_STATES, State
from governance.workflow import services as workflow
from governance.workflow.models import Request, unanswered

KIND = "adoption"
MAX_TEXT = 20000


@dataclass
class AdoptionInput:
    """What a requester enters, from the form or the API. Either `purl` or type+name."""

    team_id: int | None
    usage_context: str
    linking: str
    purl: str = ""
    type: str = ""
    namespace: str = ""
    name: str = ""
    version: str = ""
    homepage_url: str = ""
    repository_url: str = ""
    will_modify: bool = False
    justification: str = ""
    alternative_ids: list[int] = field(default_factory=list)
    answers: dict[str, object] = field(default_factory=dict)
    product_id: int | None = None


def check_web_address(value: str, key: str, errors: dict) -> str:
    """A web address as every export will take it: http(s), a host, no spaces or characters a
    URL may not hold."""
    value = (value or "").strip()
    if value and not (value.lower().startswith(("https://", "http://"))
                      and is_exportable_url(value)):
        errors[key] = ("Give a web address starting with https:// or http://, without spaces "
                       "(write a space as %20).")
    if len(value) > 500:
        errors[key] = "Keep the address under 500 characters."
    return value


def _answer_value(question: Question, raw, errors: dict):
    key = f"q_{question.id}"
    if raw in (None, ""):
        return None
    if question.type == "yesno":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("yes", "true", "y", "1"):
            return True
        if text in ("no", "false", "n", "0"):
            return False
        errors[key] = "Answer yes or no."
        return None
    if question.type == "date":
        if isinstance(raw, date):
            return raw.isoformat()
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            errors[key] = "Give a date as YYYY-MM-DD."
            return None
    text = str(raw).strip()
    if question.type == "choice" and text not in question.choices:
        errors[key] = f"Choose one of: {', '.join(question.choices)}."
        return None
    if len(text) > MAX_TEXT:
        errors[key] = "Keep the answer under 20,000 characters."
        return None
    return text


def build_answers(rules: RequestRules, raw: dict, previous: list | None) -> tuple[list, dict]:
    """Answers stored with each question's label and type, plus validation errors.

    Answers to questions the office has since removed are kept, never dropped.
    """
    errors: dict[str, str] = {}
    questions = rules.questions_for(KIND)
    known = {q.id for q in questions}
    unknown = set(raw) - known
    if unknown:
        errors["answers"] = f"Unknown question(s): {', '.join(sorted(unknown))}."
    answers = [
        {"id": q.id, "label": q.label, "type": q.type, "required": q.required,
         "value": _answer_value(q, raw.get(q.id), errors)}
        for q in questions
    ]
    answers += [dict(a, required=False) for a in previous or [] if a["id"] not in known]
    return answers, errors


def _checked(actor: User, data: AdoptionInput, rules: RequestRules, *,
             previous_answers: list | None, own_id: int | None,
             submitting: bool) -> tuple[dict[str, str], dict]:
    """Every problem of `data` ({field: message}), the ones a submission adds (the
    justification, required answers) too when `submitting`; and the values to write. Reads,
    never writes."""
    errors: dict[str, str] = {}
    team = get_by_id(Team, data.team_id)
    if team is None:
        errors["team"] = "Choose the team that will use the package."
    elif team.id not in actor.team_ids():
        errors["team"] = "You can only request for a team you belong to."
    product = None
    if data.product_id:
        product = get_by_id(Product, data.product_id)
        if product is None or (team is not None and product.team_id != team.id):
            errors["product"] = "Choose one of the requesting team's products, or none."
    if rules.context(data.usage_context) is None:
        errors["usage_context"] = "Choose how the package will be used."
    if data.linking not in {o.id for o in rules.linking}:
        errors["linking"] = "Choose how the package is linked or embedded."
    homepage = check_web_address(data.homepage_url, "homepage_url", errors)
    repository = check_web_address(data.repository_url, "repository_url", errors)
    if len(data.justification or "") > MAX_TEXT:
        errors["justification"] = "Keep the justification under 20,000 characters."
    try:
        purl = (components.parse_purl(data.purl) if data.purl.strip()
                else components.build_purl(data.type, data.namespace, data.name, data.version))
    except ValidationFailed as exc:
        errors.update(exc.errors)
        purl = None
    alternatives = []
    for alt_id in dict.fromkeys(data.alternative_ids):
        alt = get_by_id(AdoptionRequest, alt_id)
        if alt is None or not may.view_request(actor, alt) or alt.id == own_id:
            errors["alternatives"] = f"Request #{alt_id} cannot be listed as an alternative."
        else:
            alternatives.append(alt)
    answers, answer_errors = build_answers(rules, data.answers or {}, previous_answers)
    errors.update(answer_errors)
    if submitting and errors:
        # All at once: what the submission would refuse next, with what is wrong now.
        if not (data.justification or "").strip():
            errors.setdefault("justification", JUSTIFICATION_NEEDED)
        for key, message in unanswered(answers).items():
            errors.setdefault(key, message)
    return errors, {"purl": purl, "homepage": homepage, "repository": repository,
                    "team": team, "product": product, "alternatives": alternatives,
                    "answers": answers}


def _apply(request: AdoptionRequest, actor: User, data: AdoptionInput,
           rules: RequestRules, *, submitting: bool = False) -> None:
    """Validate `data` and write it onto `request`; ValidationFailed lists every problem."""
    errors, values = _checked(actor, data, rules, previous_answers=request.answers,
                              own_id=request.id, submitting=submitting)
    if errors:
        raise ValidationFailed(errors)
    request.component = components.get_or_create(values["purl"])
    request.homepage_url, request.repository_url = values["homepage"], values["repository"]
    request.team = values["team"]
    request.product = values["product"]
    request.usage_context = data.usage_context
    request.linking = data.linking
    request.will_modify = bool(data.will_modify)
    request.justification = (data.justification or "").strip()
    request.alternatives = values["alternatives"]
    request.answers = values["answers"]
    request.title = f"Adopt {request.component.display_name}"


def create(actor: User, data: AdoptionInput, rules: RequestRules, *,
           submit: bool = False) -> AdoptionRequest:
    request = AdoptionRequest(requester=actor, state=State.DRAFT, answers=[])
    _apply(request, actor, data, rules, submitting=submit)
    return workflow.record_created(request, actor, submit=submit)


def problems(actor: User, data: AdoptionInput, rules: RequestRules, *,
             submit: bool) -> dict[str, str]:
    """Every problem create() would refuse `data` for, saving nothing: a form whose own
    checks failed shows the service's with them, in the same round."""
    return _checked(actor, data, rules, previous_answers=None, own_id=None,
                    submitting=submit)[0]


def update(request: AdoptionRequest, actor: User, data: AdoptionInput, rules: RequestRules, *,
           expected_version: int | None) -> AdoptionRequest:
    may.edit_request.require(actor, request)
    workflow.check_version(request, expected_version)
    if request.state not in EDITABLE_STATES:
        raise IllegalTransition(
            f"A request that is {request.state.label.lower()} can no longer be edited.")
    before = request.snapshot()
    _apply(request, actor, data, rules)
    # (Only the alternatives may have changed, which leaves the row itself clean: record_edit
    # touches it so the version check and bump still happen.)
    changed = workflow.record_edit(request, actor, before)
    if "usage_context" in changed:
        # The scan's verdict for the new context is stored now, not when a page asks.
        verdicts.store_for(request, policies.license_policy())
    return request


def learn_component_facts(scan) -> None:
    """A scan of an adoption request succeeded: the package's own metadata (scancode's package
    data from its manifest) gives the shared component its homepage when it has none yet."""
    component = getattr(scan.request, "component", None)
    if component is None or component.homepage_url:
        return
    wanted = component.name.lower().replace("_", "-")
    for package in (scan.summary or {}).get("packages") or []:
        url = (package.get("homepage_url") or "").strip()
        if ((package.get("name") or "").lower().replace("_", "-") == wanted and len(url) <= 500
                and url.lower().startswith(("https://", "http://")) and is_exportable_url(url)):
            component.homepage_url = url
            return


# --- lists ---------------------------------------------------------------------------------

@dataclass
class ListFilters:
    scope: str = "all"  # all | mine | team
    states: list[str] = field(default_factory=list)
    team_id: int | None = None
    usage_context: str = ""
    q: str = ""
    sort: str = "newest"


def list_query(user: User, filters: ListFilters) -> Select:
    query = (select(AdoptionRequest).join(AdoptionRequest.component)
             .where(workflow.visible_to(user))
             # What a list row shows, in a fixed number of statements for any page size.
             .options(contains_eager(AdoptionRequest.component),
                      selectinload(AdoptionRequest.team),
                      selectinload(AdoptionRequest.requester)))
    if filters.scope == "mine":
        query = query.where(Request.requester_id == user.id)
    elif filters.scope == "team":
        query = query.where(Request.team_id.in_(list(user.team_ids()) or [-1]))
    valid_states = [s for s in filters.states if s in {x.value for x in State}]
    if valid_states:
        query = query.where(Request.state.in_([State(s) for s in valid_states]))
    if filters.team_id:
        query = query.where(Request.team_id == filters.team_id)
    if filters.usage_context:
        query = query.where(AdoptionRequest.usage_context == filters.usage_context)
    for word in (filters.q or "").split()[:8]:
        pattern = f"%{word.lower()}%"
        query = query.where(or_(
            func.lower(Component.name).like(pattern), func.lower(Component.namespace).like(pattern),
            func.lower(Request.title).like(pattern),
            func.lower(AdoptionRequest.justification).like(pattern),
        ))
    order = {
        "newest": (Request.created_at.desc(), Request.id.desc()),
        "oldest": (Request.created_at.asc(), Request.id.asc()),
        "updated": (Request.updated_at.desc(), Request.id.desc()),
        "name": (Component.name.asc(), Component.version.asc(), Request.id.asc()),
    }.get(filters.sort, (Request.created_at.desc(), Request.id.desc()))
    return query.order_by(*order)


def alternative_choices(user: User, exclude_id: int | None = None) -> list[AdoptionRequest]:
    query = (select(AdoptionRequest).where(workflow.visible_to(user))
             .order_by(AdoptionRequest.id.desc()).limit(500))
    return [r for r in db.session.scalars(query) if r.id != exclude_id]


def for_compare(user: User, ids: list[int]) -> list[AdoptionRequest]:
    """2 to 4 requests the user may see, in the order asked."""
    ids = list(dict.fromkeys(ids))
    if not 2 <= len(ids) <= 4:
        raise ValidationFailed({"ids": "Pick between 2 and 4 requests to compare."})
    return [workflow.get_for(user, i, AdoptionRequest) for i in ids]
