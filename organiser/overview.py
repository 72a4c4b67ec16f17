"""The organiser's figures at a glance: each part's own figures, gathered for one page.

Nothing is counted here: invitations and delegates come from
:mod:`registration.figures`, arrivals from the door's own
:func:`badges.checkin.services.checkin_stats`, so every page that shows a
figure shows the same one.
"""

import datetime as dt

from badges.checkin.services import arrival_days, checkin_stats
from registration.figures import INVITATION_GROUPS, REGISTRATION_GROUPS, invitation_figures, rsvps_per_day

INVITATION_TILES = ("drafts", "invited", "awaiting", "opened", "unanswered", "accepted", "declined", "expired")
REGISTRATION_TILES = ("registered", "waiting", "cancelled")


def with_bars(rows, *keys):
    """Add a percentage width for each key, against the largest value, for CSS bar charts."""
    peak = max((row[key] for row in rows for key in keys), default=0) or 1
    for row in rows:
        for key in keys:
            row[f"{key}_pct"] = round(100 * row[key] / peak)
    return rows


def tiles(figures, groups, names):
    """One tile a figure: what it says, its count, and the ``status`` filter of the list it counts."""
    return [{"label": groups[name][1], "count": figures[name], "status": groups[name][0]} for name in names]


def overview(conference):
    arrivals = checkin_stats(conference=conference)
    figures = {**invitation_figures(conference), "checked_in": arrivals["checked_in"]}
    rsvps = with_bars(rsvps_per_day(conference), "accepted", "declined")
    quarters = [
        {"start": dt.datetime.fromisoformat(quarter["start"]), "count": quarter["count"]}
        for quarter in arrivals["per_quarter_hour"]
    ]
    return {
        "figures": figures,
        "invitation_tiles": tiles(figures, INVITATION_GROUPS, INVITATION_TILES),
        "registration_tiles": tiles(figures, REGISTRATION_GROUPS, REGISTRATION_TILES),
        "checked_in_today": arrivals["today"],
        "rsvps": rsvps,
        "arrivals": with_bars(quarters, "count"),
        "arrival_days": arrival_days(conference, arrivals["per_quarter_hour"]),
    }
