"""GitHub's side of an organization request: the plan of calls an approval makes, and the
client that makes them through githubkit. Pure: no Flask, no database."""
