"""The agenda: its rules (clash checks), drafting and publishing, and its public outputs.

- ``rules``: the clash checks every editor runs (admin, API, organiser page).
- ``services``: saving and removing draft sessions, publishing a version.
- ``snapshot``: the frozen form of a published agenda and the changelog between two.
- ``published``: reading the latest published version cheaply, ETags, caching.
- ``exporters``: iCalendar, frab schedule JSON and the PDF programme.
"""
