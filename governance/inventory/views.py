"""Inventory pages: what the company uses by component, license and product; exports."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from governance.auth import permissions as may
from governance.auth.models import Team
from governance.auth.permissions import requires
from governance.database import db, unit_of_work
from governance.errors import ValidationFailed
from governance.inventory import exports
from governance.inventory import services as inventory
from governance.inventory.forms import ProductForm, SbomUploadForm
from governance.inventory.models import SbomImport
from governance.policies import license_policy, request_rules
from governance.web.forms import choices
from governance.web.helpers import apply_errors, int_list, paginate_list

bp = Blueprint("inventory", __name__)
VIEWS = ("components", "licenses", "products")
COMPONENTS_PER_PAGE = 50


def _filters() -> inventory.UsageFilters:
    args = request.args
    return inventory.UsageFilters(product_id=(int_list([args.get("product")]) or [None])[0],
                                  team_id=(int_list([args.get("team")]) or [None])[0],
                                  context=args.get("context", ""),
                                  q=args.get("q", "").strip()[:200])


@bp.get("/inventory/")
@login_required
def index():
    filters = _filters()
    view = request.args.get("view", "components")
    if view not in VIEWS:
        view = "components"
    items = inventory.usages(filters, license_policy())
    category = request.args.get("category", "")
    if category:
        items = [u for u in items if category in u.categories]
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    return render_template(
        "inventory/index.html", items=items, view=view, filters=filters, category=category,
        mix=inventory.license_mix(items),
        # Only the grouping the tab shows is built.
        components=paginate_list(inventory.by_component(items), COMPONENTS_PER_PAGE)
        if view == "components" else None,
        licenses=inventory.by_license(items) if view == "licenses" else None,
        by_product=inventory.by_product(items) if view == "products" else None,
        products=inventory.all_products(), teams=teams,
        formats=exports.FORMATS, scope=_scope_of(filters))


def _scope_of(filters: inventory.UsageFilters) -> str:
    if filters.product_id:
        product = db.session.get(inventory.Product, filters.product_id)
        return f"product:{product.name}" if product else "company"
    if filters.team_id:
        team = db.session.get(Team, filters.team_id)
        return f"team:{team.name}" if team else "company"
    return "company"


@bp.get("/inventory/export")
@login_required
def export():
    policy = license_policy()
    try:
        result = exports.build(request.args.get("format", ""),
                               request.args.get("scope", "company"), policy,
                               current_app.config["SPDX_NAMESPACE_BASE"])
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()) or exc.message, "danger")
        return redirect(url_for("inventory.index"))
    return Response(result.content, mimetype=result.mimetype,
                    headers=result.response_headers())


# --- products -------------------------------------------------------------------------------

@bp.get("/products/")
@login_required
def products():
    return render_template("inventory/products.html", products=inventory.all_products(),
                           can_edit=may.manage_products(current_user))


def _product_form(product=None) -> ProductForm:
    form = ProductForm(obj=product if request.method == "GET" else None)
    if request.method == "GET" and product is not None:
        form.team.data = product.team_id
    form.team.choices = choices([(0, "—")] + [
        (t.id, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))])
    form.usage_context.choices = choices((c.id, c.label) for c in request_rules().contexts)
    return form


@bp.route("/products/new", methods=["GET", "POST"], defaults={"product_id": None})
@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@requires(may.manage_products)
def edit_product(product_id: int | None):
    product = inventory.get_product(product_id) if product_id else None
    form = _product_form(product)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                product = inventory.save_product(
                    current_user, product, name=form.name.data, team_id=form.team.data,
                    usage_context=form.usage_context.data,
                    description=form.description.data or "", rules=request_rules())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(f"Product {product.name} saved.", "success")
            return redirect(url_for("inventory.product", product_id=product.id))
    return render_template("inventory/product_form.html", form=form, product=product)


@bp.get("/products/<int:product_id>")
@login_required
def product(product_id: int):
    item = inventory.get_product(product_id)
    usages = inventory.usages(inventory.UsageFilters(product_id=item.id), license_policy())
    can_check = may.check_sbom(current_user, item)
    imports = db.session.scalars(select(SbomImport).where(SbomImport.product_id == item.id)
                                 .order_by(SbomImport.id.desc()).limit(20)).all() \
        if can_check else []
    return render_template("inventory/product.html", product=item, usages=usages,
                           mix=inventory.license_mix(usages), imports=imports,
                           upload_form=SbomUploadForm(), formats=exports.FORMATS,
                           can_edit=may.manage_products(current_user), can_check=can_check)
