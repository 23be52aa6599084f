"""What the apps' admin-home panels share: their stylesheet (a compact grid of figures)."""

from wagtail.admin.ui.components import Component


class DashboardPanel(Component):
    class Media:
        css = {"all": ["css/admin_dashboard.css"]}
