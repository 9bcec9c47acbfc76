"""How every form on the site renders (``FORM_RENDERER``): our templates in ``templates/forms/``."""

from django.forms.renderers import TemplatesSetting

# The id of a form's error summary (templates/forms/div.html); fields that a form-wide error is
# about point their aria-describedby at it.
ERROR_SUMMARY_ID = "form-errors"


class FormRenderer(TemplatesSetting):
    """An error summary above the fields, linking to each field with an error; fields carry
    aria-invalid and aria-describedby (help text, their errors) as Django sets them."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
