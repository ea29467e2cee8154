"""Assertions shared by the API tests."""


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def snapshot(org, read, model, **filters):
    """Every row of `model` in `org` as plain values, to assert that nothing changed."""
    return read(org, lambda: sorted(map(repr, model.objects.filter(**filters).values())))
