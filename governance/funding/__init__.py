"""Funding decisions: which open-source projects the company pays and which foundations it
joins, from how much it depends on each (its own approved inventory). Suggestions today; the
proposals, budgets and the Pledge view build on them."""
