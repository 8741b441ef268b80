"""`flask policies check [PATH]`, `flask policies eval "EXPRESSION" --context C [--json]` and
`flask policies diff CANDIDATE [--base PATH] [--json]`."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from governance import policies
from governance.license_review.policy_diff import diff_verdicts
from governance.licensing.policy import Evaluation, EvaluationError, evaluate_text, load_policy
from governance.rules.loader import PolicyError

EXIT_CODES = {"allow": 0, "review": 1, "deny": 2}
BAD_INPUT = 3

policies_cli = AppGroup("policies", help="The office's license policy.")


@policies_cli.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def check(path: Path | None):
    """Validate the license policy: the app's, or the file at PATH.

    Exit 0 when it is valid, 1 (with file:line: reason) when it is not.
    """
    path = path or Path(current_app.config["POLICIES_DIR"]) / "license-policy.yaml"
    contexts = [c.id for c in policies.request_rules().contexts]
    try:
        policy = load_policy(path, contexts=contexts)
    except PolicyError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(1) from exc
    click.echo(f"{path}: valid, version {policy.version}, {len(policy.categories)} categories "
               f"x {len(policy.contexts)} contexts, {len(policy.overrides)} overrides, "
               f"{len(policy.obligations)} obligation rules, sha256 {policy.digest[:12]}")


class BadInputIsThree(click.Command):
    """Click reports a usage error with exit code 2, which `eval` uses for deny (and which a
    CI script could mistake for a verdict): bad input is 3 everywhere."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            exc.exit_code = BAD_INPUT
            raise


@policies_cli.command("eval", cls=BadInputIsThree)
@click.argument("expression")
@click.option("--context", "-c", required=True,
              help="Usage context id (policies/contexts.yaml), e.g. distributed.")
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
def eval_command(expression: str, context: str, as_json: bool):
    """The verdict for a license EXPRESSION (SPDX ids or scancode keys) in a usage context.

    Exit code: 0 allow, 1 review, 2 deny, 3 bad input (expression or context).
    """
    result = evaluate_text(policies.license_policy(), expression,
                           context)
    if isinstance(result, EvaluationError):
        if as_json:
            click.echo(json.dumps(result.to_dict(), indent=2))
        click.echo(f"Error: {result.reason}", err=True)
        raise click.exceptions.Exit(BAD_INPUT)
    click.echo(json.dumps(result.to_dict(), indent=2) if as_json else _human(result))
    raise click.exceptions.Exit(EXIT_CODES[result.verdict])


def _human(result: Evaluation) -> str:
    lines = [f"{result.verdict.upper()}: {result.expression_spdx} for {result.context}"]
    if result.expression != result.expression_spdx:
        lines.append(f"  scancode keys: {result.expression}")
    for choice in result.choices:
        lines.append(f"  chose {choice.chosen} ({choice.verdict}) from {choice.among}")
    lines.append("Licenses:")
    for item in result.licenses:
        aside = "" if item.relied_on else "  [not relied on]"
        category = item.category or "not in scancode's license database"
        lines.append(f"  {item.verdict:7} {item.expression_spdx} ({category}): {item.why}{aside}")
    if result.obligations:
        lines.append("Obligations:")
        lines += [f"  {o.id}: {', '.join(o.licenses)}" for o in result.obligations]
    lines.append(f"Policy version {result.policy_version}, sha256 {result.policy_digest[:12]}")
    return "\n".join(lines)


@policies_cli.command("diff")
@click.argument("candidate", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--base", type=click.Path(dir_okay=False, path_type=Path),
              help="The policy to compare against; the app's current one when left out.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def diff_command(candidate: Path, base: Path | None, as_json: bool):
    """Which requests the policy in CANDIDATE would flip, against the current policy.

    Exit code: 0 nothing changes, 1 some verdicts change, 3 a policy file is not valid.
    """
    contexts = [c.id for c in policies.request_rules().contexts]
    try:
        proposed = load_policy(candidate, contexts=contexts)
        current = (load_policy(base, contexts=contexts) if base
                   else policies.license_policy())
    except PolicyError as exc:
        click.echo(str(exc), err=True)
        raise click.exceptions.Exit(BAD_INPUT) from exc
    result = diff_verdicts(current, proposed)
    if as_json:
        click.echo(json.dumps({
            "base": {"version": current.version, "digest": current.digest},
            "candidate": {"version": proposed.version, "digest": proposed.digest},
            "compared": result.compared,
            "changes": [{"request": c.request.id, "title": c.request.title,
                         "state": c.request.state.value, "context": c.after.context,
                         "expression": c.after.expression_spdx, "before": c.before.verdict,
                         "after": c.after.verdict, "direction": c.direction}
                        for c in result.changes]}, indent=2))
    else:
        click.echo(f"{len(result.changes)} of {result.compared} requests would change "
                   f"(version {current.version} -> {proposed.version}).")
        for c in result.changes:
            click.echo(f"  #{c.request.id} {c.request.title} [{c.request.state.value}] "
                       f"{c.after.expression_spdx or '-'} for {c.after.context}: "
                       f"{c.before.verdict or '-'} -> {c.after.verdict or '-'}")
    raise click.exceptions.Exit(1 if result.changes else 0)
