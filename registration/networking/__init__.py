"""Networking between delegates: the directory of those who opted in, meetings in the agenda's networking slots.

``services.py`` decides every rule; ``views.py`` (pages by personal link),
``api.py`` (the delegate's API by token, the organisers' topics) and
``organiser_views.py`` only call it. See the README, "Networking".
"""
