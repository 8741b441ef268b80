"""Licenses as the office judges them. Pure: no Flask, no database.

`expressions` parses a license expression (SPDX ids or scancode keys) into a small tree of
licenses known to scancode's license database; `policy` loads the office's license policy and
evaluates an expression for a usage context, with an explanation and the obligations.
"""
from governance.licensing.expressions import ExpressionError, parse
from governance.licensing.policy import (
    Evaluation,
    EvaluationError,
    LicensePolicy,
    evaluate,
    evaluate_text,
    load_policy,
)

__all__ = ["Evaluation", "EvaluationError", "ExpressionError", "LicensePolicy", "evaluate",
           "evaluate_text", "load_policy", "parse"]
