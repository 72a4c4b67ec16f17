"""The API's JSON parser: DRF's, with a bound on nesting.

A body nested deeper than ``MAX_DEPTH`` levels is refused with 400
``{"detail", "code": "parse_error"}``; without the bound, a body nested
100,000 deep made the JSON decoder recurse until it failed with a server error.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def depth(value):
    """How deeply ``value`` nests lists and objects (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        message = f"JSON parse error - nested deeper than {MAX_DEPTH} levels."
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # the decoder gave up before our bound: far too deep
            raise ParseError(message) from None
        if depth(data) > MAX_DEPTH:
            raise ParseError(message)
        return data
