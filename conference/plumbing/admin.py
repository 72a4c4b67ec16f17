"""Admin deletes that go through a service's rule, instead of cascading past it."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .errors import ServiceError


class GuardedDeleteMixin:
    """For a ModelAdmin whose rows may be deleted only when a service agrees.

    Define ``check_delete(obj)`` (raises a ``ServiceError`` when the row may
    not go) and ``delete_through_service(obj)`` (the service that deletes).
    The confirmation page (one row, or the bulk "Delete selected" action)
    lists the refused rows as protected, with the reason, and deletes
    nothing; a row that became undeletable after that page is kept, with a
    message.
    """

    def check_delete(self, obj):
        raise NotImplementedError

    def delete_through_service(self, obj):
        raise NotImplementedError

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            try:
                self.check_delete(obj)
            except ServiceError as exc:
                protected.append(f"{obj}: {exc.message}")
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        self.delete_through_service(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.delete_through_service(obj)
            except ServiceError as exc:  # changed since the confirmation page
                self.message_user(request, f"{obj} was not deleted: {exc.message}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceError as exc:  # changed since the confirmation page
            self.message_user(request, exc.message, messages.ERROR)
            opts = self.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))
