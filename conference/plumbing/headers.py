"""The Permissions-Policy header on every answer (the Content-Security-Policy is django-csp's).

Only the door page uses a powerful feature, the camera, from our own origin:
``camera=(self)``; everything else a page could ask for is refused. The
policy is the setting ``PERMISSIONS_POLICY``.
"""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
