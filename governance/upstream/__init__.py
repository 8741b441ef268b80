"""Upstream work: the ledger of issues and pull requests the company's people opened upstream
(added one by one or imported from CSV, counted per year and team), and the roles they hold
in those projects' communities. Read by the funding suggestions, shown on a project's pages
through the `upstream/_project_card.html` partial (views registers its template helpers)."""
