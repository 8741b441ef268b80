"""Finding or creating components from a purl or from its parts; the products of teams."""
from __future__ import annotations

from packageurl import PackageURL
from sqlalchemy import select

from governance.components.models import Component, Product
from governance.database import db
from governance.errors import ValidationFailed

# The purl types offered in forms; any other valid purl type is accepted from a purl string.
COMMON_TYPES = ["pypi", "npm", "maven", "golang", "cargo", "gem", "nuget", "composer",
                "github", "generic", "deb", "docker", "conan", "hex", "swift", "cocoapods"]


def parse_purl(text: str) -> PackageURL:
    """A PackageURL, or ValidationFailed on the `purl` field with the parser's reason."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed({"purl": "Enter a package URL, e.g. pkg:pypi/requests@2.32.3."})
    try:
        purl = PackageURL.from_string(text)
    except ValueError as exc:
        raise ValidationFailed({"purl": f"Not a valid package URL: {exc}"}) from exc
    return purl


def build_purl(type_: str, namespace: str, name: str, version: str) -> PackageURL:
    type_, name = (type_ or "").strip().lower(), (name or "").strip()
    errors = {}
    if not type_:
        errors["type"] = "Choose the package type."
    if not name:
        errors["name"] = "Enter the package name."
    if errors:
        raise ValidationFailed(errors)
    try:
        return PackageURL(type=type_, namespace=(namespace or "").strip() or None, name=name,
                          version=(version or "").strip() or None)
    except ValueError as exc:
        raise ValidationFailed({"name": f"Not a valid package: {exc}"}) from exc


def find(purl: PackageURL) -> Component | None:
    """The row for this package version, if any request or SBOM named it."""
    return db.session.scalar(select(Component).filter_by(
        type=purl.type, namespace=purl.namespace or "", name=purl.name,
        version=purl.version or ""))


def get_or_create(purl: PackageURL) -> Component:
    """The one row for this package version. A request never writes its facts (links): they
    are shared by every team that uses the package."""
    key = dict(type=purl.type, namespace=purl.namespace or "", name=purl.name,
               version=purl.version or "")
    component = db.session.scalar(select(Component).filter_by(**key))
    if component is None:
        component = Component(**key)
        db.session.add(component)
    db.session.flush()
    return component


def products_of(teams) -> list[Product]:
    team_ids = [t.id for t in teams]
    if not team_ids:
        return []
    return list(db.session.scalars(
        select(Product).where(Product.team_id.in_(team_ids)).order_by(Product.name)))
