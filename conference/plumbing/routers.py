"""One way to route the API's resources: DRF routers, nested under a conference.

Resources (lists and items, with their actions) are routed by a router;
the few endpoints that are not resources (scan, publish, a PDF) are plain
``path()``s beside them. Route names read ``api-<resource>-<list|detail|action>``.
"""

from rest_framework.routers import SimpleRouter

SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"


def conference_router(**viewsets):
    """A router of resources under ``conferences/<slug>/``: ``name=ViewSet`` routes ``<name>s/``.

    Pass plural prefixes as keyword names (``invitations=InvitationViewSet``);
    the route names use the singular (``api-invitation-list``).
    """
    router = SimpleRouter()
    for prefix, viewset in viewsets.items():
        router.register(f"conferences/{SLUG}/{prefix}", viewset, basename=f"api-{prefix.removesuffix('s')}")
    return router
