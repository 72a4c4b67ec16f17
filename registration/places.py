"""Who may take a place of the conference: capacity, exempt categories, reserved places.

The rule (README, "Places"):

- delegates of a category exempt from capacity (``Conference.capacity_exempt_categories``)
  are confirmed whatever the capacity, and take no place of it;
- ``Conference.reserved_places`` holds places of the capacity for a category:
  a delegate of that category takes a reserved place first, then a general
  one; other categories cannot take reserved places;
- the general places are the capacity less every reserved place.

:class:`Places` is that rule over the confirmed delegates counted once; the
registration services count them under the conference's lock and ask it
for every delegate they confirm (registering, promoting from the waiting
list), so the counts stay exact under a burst. Pages ask the same class
(without a lock) whether a new delegate would be waitlisted.
"""

from django.db.models import Count

from .models import Registration


class Places:
    """The conference's places as they stand: ``fits(category)`` and ``take(category)``."""

    def __init__(self, conference, confirmed_by_category, waiting_by_category=None):
        self.exempt = frozenset(conference.capacity_exempt_categories or ())
        self.reserved = {c: n for c, n in (conference.reserved_places or {}).items() if n and c not in self.exempt}
        self.general = max(conference.capacity - sum(self.reserved.values()), 0)
        self.confirmed = {c: n for c, n in confirmed_by_category.items() if c not in self.exempt}
        self.waiting = dict(waiting_by_category or {})

    @classmethod
    def count(cls, conference):
        """The places of ``conference`` from its confirmed and waiting delegates (one query).

        Call under the conference's lock to decide anything with it.
        """
        rows = (
            Registration.objects.filter(
                conference=conference,
                status__in=(Registration.Status.CONFIRMED, Registration.Status.WAITLISTED),
            )
            .values_list("status", "invitation__category")
            .annotate(n=Count("pk"))
            .order_by()
        )
        confirmed, waiting = {}, {}
        for status, category, n in rows:
            (confirmed if status == Registration.Status.CONFIRMED else waiting)[category] = n
        return cls(conference, confirmed, waiting)

    def waiting_exempt(self):
        """Waiting delegates of exempt categories (the categories changed after they joined the list)."""
        return sum(n for c, n in self.waiting.items() if c in self.exempt)

    def waiting_total(self):
        return sum(self.waiting.values())

    def reserved_left(self, category):
        return max(self.reserved.get(category, 0) - self.confirmed.get(category, 0), 0)

    def general_taken(self):
        """General places taken: every non-exempt delegate beyond their category's reserved places.

        A delegate confirmed over capacity by an organiser counts like any
        other, so the general places may be taken past their number.
        """
        return sum(max(n - self.reserved.get(category, 0), 0) for category, n in self.confirmed.items())

    def general_left(self):
        return max(self.general - self.general_taken(), 0)

    def fits(self, category):
        """Whether a new delegate of ``category`` is confirmed now (else waitlisted)."""
        return category in self.exempt or self.reserved_left(category) > 0 or self.general_left() > 0

    def take(self, category):
        """Count a delegate of ``category`` as confirmed (whether or not they fitted)."""
        if category not in self.exempt:
            self.confirmed[category] = self.confirmed.get(category, 0) + 1

    def categories_that_fit(self):
        """The categories a waiting delegate may be promoted in now; None for every category."""
        if self.general_left() > 0:
            return None
        return set(self.exempt) | {c for c in self.reserved if self.reserved_left(c) > 0}

    def free(self):
        """Non-exempt places free now (general and reserved)."""
        return self.general_left() + sum(self.reserved_left(c) for c in self.reserved)

    def taken(self):
        """Places of the capacity taken (exempt delegates take none)."""
        return sum(self.confirmed.values())


def is_full_for(conference, category):
    """Whether a new delegate of ``category`` would join the waiting list now (the RSVP page says so)."""
    return not Places.count(conference).fits(category)
