"""The organiser's badge design form: choices only (no markup), checked again by ``badges.design.save_design``."""

from django import forms

from registration.models import Category

from .models import BadgeDesign


class ColourInput(forms.TextInput):
    input_type = "color"


def colour_field(label):
    return forms.RegexField(
        label=label,
        regex=r"^#[0-9a-fA-F]{6}$",
        error_messages={"invalid": "Give the colour as #RRGGBB, for example #1d4ed8."},
        widget=ColourInput,
    )


class DesignForm(forms.Form):
    sides = forms.ChoiceField(label="Sides", choices=BadgeDesign.Sides.choices, widget=forms.RadioSelect)
    layout = forms.ChoiceField(label="Print layout", choices=BadgeDesign.Layout.choices)
    logo = forms.FileField(
        label="Logo (PNG or SVG, at most 1 MB)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.svg,image/png,image/svg+xml"}),
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)
    primary_colour = colour_field("Main colour")
    show_full_name = forms.BooleanField(label="Full name", required=False)
    show_job_title = forms.BooleanField(label="Job title", required=False)
    show_organisation = forms.BooleanField(label="Organisation", required=False)
    show_workshops = forms.BooleanField(label="Their workshops (back)", required=False)
    wifi_network = forms.CharField(label="Wi-Fi network", max_length=60, required=False)
    wifi_password = forms.CharField(label="Wi-Fi password", max_length=60, required=False)
    help_desk = forms.CharField(label="Help desk", max_length=120, required=False, help_text="Where and when.")
    back_note = forms.CharField(label="Note on the back", max_length=240, required=False, widget=forms.Textarea)

    FIELD_CHOICES = ("show_full_name", "show_job_title", "show_organisation", "show_workshops")

    def __init__(self, *args, questions=(), **kwargs):
        """``questions``: the conference's, in order; each is a box "print the answer on the badge"."""
        super().__init__(*args, **kwargs)
        for category, label in Category.choices:
            self.fields[f"colour_{category}"] = colour_field(f"{label} band colour")
        # The one list that decides which answers print (the design's old "answers" box is folded into it).
        self.fields["print_questions"] = forms.TypedMultipleChoiceField(
            label="Answers printed on the front",
            choices=[(q.pk, q.label) for q in questions],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "One of these questions was deleted meanwhile; reload the page."},
        )

    @classmethod
    def initial_of(cls, design, colours, questions=()):
        """The form's values from a saved design; a question is ticked when its answer prints today."""
        initial = {name: getattr(design, name) for name in ("sides", "layout", "primary_colour", *cls.FIELD_CHOICES)}
        initial.update(
            {name: getattr(design, name) for name in ("wifi_network", "wifi_password", "help_desk", "back_note")}
        )
        initial.update({f"colour_{category}": colour for category, colour in colours.items()})
        initial["print_questions"] = [q.pk for q in questions if q.on_badge] if design.show_answers else []
        return initial

    def category_fields(self):
        return [self[f"colour_{category}"] for category in Category.values]

    def field_choices(self):
        return [self[name] for name in self.FIELD_CHOICES]

    def design_values(self):
        """The cleaned form as ``save_design``'s keyword arguments (the logo apart)."""
        data = dict(self.cleaned_data)
        colours = {category: data.pop(f"colour_{category}") for category in Category.values}
        data.pop("logo", None)
        remove_logo = data.pop("remove_logo", False)
        badge_questions = data.pop("print_questions", [])
        return {**data, "category_colours": colours, "remove_logo": remove_logo, "badge_questions": badge_questions}
