"""The OpenAPI schema documents every status an operation can answer, not only its successes.

drf-spectacular documents what a view declares (``extend_schema(responses=...)``);
the errors every API view shares are added here, from what the view is:

- 400 (field errors or ``{"detail", "code"}``): a write, or an operation with query parameters;
- 401, 403 (``{"detail", "code"}``): a view that needs a login or a role;
- 404: an address with parameters (an unknown slug, id or token), or a paginated list (``?page=``);
- 415: a write with a body of an unsupported content type;
- 429 (with ``Retry-After``): a throttled view;
- and the rules' own refusals a view declares in ``error_statuses``, by action
  (a viewset's ``destroy``, ``cancel``, ...) or method (``post``): for example
  ``error_statuses = {"destroy": {409: "`room_in_use`: ..."}}``.

A status the view already documents keeps its schema; a 404 that the view
documents with a body of its own (a scan's "unknown badge") may also be the
plain ``{"detail", "code"}`` of an unknown conference.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person to act on.")
    code = serializers.CharField(help_text="A stable code for programs (`not_found`, `conference_in_use`, ...).")


def _described(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


FIELD_ERRORS = {
    "type": "object",
    "description": 'Field errors (`{"field": ["message"]}`), or `{"detail", "code"}` for a rule.',
    "additionalProperties": True,
}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        for code, description, schema in self._error_statuses(operation, error):
            documented = responses.get(code)
            if documented is None:
                responses[code] = _described(description, schema)
            elif code == "404" and schema is error:
                own = documented.get("content", {}).get("application/json", {}).get("schema")
                if own is not None and own != error:
                    documented["content"]["application/json"]["schema"] = {"anyOf": [own, error]}
        return operation

    def _error_statuses(self, operation, error):
        method = self.method
        query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        if method in WRITES - {"DELETE"} or query:
            yield "400", "The request is not valid: nothing was changed.", FIELD_ERRORS
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            yield "401", "No valid credentials (a session, or `Authorization: Token <key>`).", error
            yield "403", "The credentials do not allow this.", error
        if "{" in self.path or any(p.get("name") == "page" for p in query):
            yield "404", "Not found (an unknown address, conference, id or token, or a page past the end).", error
        if method in WRITES - {"DELETE"}:
            yield "415", "The request's content type is not accepted.", error
        if self.view.get_throttles():
            yield "429", "Too many requests from this address: wait for `Retry-After` seconds.", error
        declared = getattr(self.view, "error_statuses", {})
        for code, description in declared.get(getattr(self.view, "action", None) or method.lower(), {}).items():
            yield str(code), description, error
