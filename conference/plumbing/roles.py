"""The two roles of the README (“Roles”): Organisers and Door staff.

The groups are created by a data migration; their permissions are kept in
step with the models after every ``migrate`` (post_migrate), because the
permission rows of models added by later migrations do not exist yet when a
data migration runs.
"""

ORGANISERS = "Organisers"
DOOR_STAFF = "Door staff"

# Organisers: every permission of the project's own apps.
ORGANISER_APPS = ("conference", "registration", "badges")

# Door staff: check-in only (scan, search, undo, stats, reprint).
DOOR_STAFF_PERMISSIONS = (
    ("badges", "view_badge"),
    ("badges", "view_checkin"),
    ("badges", "add_checkin"),
    ("badges", "change_checkin"),
    ("badges", "view_scan"),
    ("badges", "add_scan"),
    ("registration", "view_registration"),
)


def sync_role_permissions(sender=None, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    # Runs after each of our apps' post_migrate; the last one sees every permission row.
    if sender is not None and sender.name not in ORGANISER_APPS:
        return
    organisers, _ = Group.objects.using(using).get_or_create(name=ORGANISERS)
    door_staff, _ = Group.objects.using(using).get_or_create(name=DOOR_STAFF)
    organisers.permissions.set(Permission.objects.using(using).filter(content_type__app_label__in=ORGANISER_APPS))
    door_perms = Permission.objects.none()
    for app_label, codename in DOOR_STAFF_PERMISSIONS:
        door_perms = door_perms | Permission.objects.using(using).filter(
            content_type__app_label=app_label, codename=codename
        )
    door_staff.permissions.set(door_perms)


def remember_roles(user, *, organiser, door_staff):
    """Record the user's roles read by another query, so that the checks below need none."""
    user._role_names = frozenset(name for name, member in ((ORGANISERS, organiser), (DOOR_STAFF, door_staff)) if member)


def _group_names(user):
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_organiser(user):
    return bool(user and user.is_authenticated and (user.is_superuser or ORGANISERS in _group_names(user)))


def is_door_staff(user):
    """Door staff, and organisers (who can do everything at the door too)."""
    return bool(user and user.is_authenticated and (user.is_superuser or {ORGANISERS, DOOR_STAFF} & _group_names(user)))
