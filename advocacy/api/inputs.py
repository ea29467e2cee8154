"""Request bodies are JSON, and their values have the JSON types the schema gives them.

DRF's fields are lenient about types: a CharField takes the number 5, an IntegerField the string "5" or
5.5 truncated, a BooleanField 0, 1 and "yes". That suits query strings, where every value is text, but
in a JSON body it accepts what the published schema calls invalid and hides client bugs. Every input
serializer of a request body derives from `JsonInput`, which refuses a value of the wrong JSON type
with a message naming the type wanted, before the fields parse it. Query-string filters stay ordinary
serializers.
"""

from collections.abc import Mapping

from rest_framework import serializers

STRING = "Must be a string."
INTEGER = "Must be a whole number."
NUMBER = "Must be a number."
BOOLEAN = "Must be true or false."
ARRAY = "Must be a list."
OBJECT = "Must be an object."

TEXT_FIELDS = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.DurationField,
)


def _is_integer(value) -> bool:
    # JSON Schema's "integer" is any number without a fractional part (1.0 included); never a boolean.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _items_error(child, items) -> str | None:
    """The first item of a list or an object's values (label, value) with the wrong type or a null."""
    for label, item in items:
        problem = json_type_error(child, item)
        if problem or (item is None and not child.allow_null):
            return f"{label}: {problem or 'may not be null.'}"
    return None


def _list_error(field, value) -> str | None:
    if not isinstance(value, list):
        return ARRAY
    child = getattr(field, "child", None) or getattr(field, "child_relation", None)
    if child is None:
        return None
    return _items_error(child, ((f"Item {index + 1}", item) for index, item in enumerate(value)))


def _object_error(field, value) -> str | None:
    if not isinstance(value, Mapping):
        return OBJECT
    child = getattr(field, "child", None)
    if isinstance(field, serializers.DictField) and child is not None:
        return _items_error(child, value.items())
    return None


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# (field classes, the check of a non-null value) in order: the first that matches the field decides
_CHECKS = (
    (serializers.BooleanField, lambda field, value: None if isinstance(value, bool) else BOOLEAN),
    (
        serializers.IntegerField | serializers.PrimaryKeyRelatedField,
        lambda field, value: None if _is_integer(value) else INTEGER,
    ),
    (serializers.FloatField | serializers.DecimalField, lambda field, value: None if _number(value) else NUMBER),
    (serializers.ListField | serializers.ManyRelatedField | serializers.MultipleChoiceField, _list_error),
    (serializers.DictField | serializers.Serializer, _object_error),
    (TEXT_FIELDS, lambda field, value: None if isinstance(value, str) else STRING),
)


def json_type_error(field: serializers.Field, value) -> str | None:
    """Why `value` (parsed JSON) has the wrong type for `field`, or None. null is left to the field
    (`allow_null` decides)."""
    if value is None:
        return None
    for kinds, check in _CHECKS:
        if isinstance(field, kinds):
            return check(field, value)
    return None


# The base of every request-body serializer: JSON types are checked before the fields parse. (A comment,
# not a docstring: drf-spectacular would print a docstring as the description of every request body.)
class JsonInput(serializers.Serializer):
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data:
                    continue
                problem = json_type_error(field, data[name])
                if problem:
                    errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
