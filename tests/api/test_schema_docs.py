"""The OpenAPI schema is valid (drf-spectacular, openapi-spec-validator) and complete, with JSON request bodies,
typed nulls and no misleading defaults; the docs page runs under the strict CSP without a CDN."""

import copy
import re

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning (unresolvable field, missing type) into a failure;
    # --validate checks the result against the OpenAPI 3 JSON schema.
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.read_text().startswith("openapi: 3")


def test_schema_has_every_endpoint(schema):
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert operations >= {
        "me_retrieve",
        "organization_retrieve",
        "organization_partial_update",
        "members_list",
        "members_retrieve",
        "members_partial_update",
        "members_deactivate",
        "members_reactivate",
        "teams_list",
        "teams_create",
        "teams_retrieve",
        "teams_partial_update",
        "teams_destroy",
        "invitations_list",
        "invitations_create",
        "invitations_retrieve",
        "invitations_revoke",
        "invitations_resend",
    }


def test_schema_declares_bearer_auth_and_the_error_format(schema):
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    members = schema["paths"]["/api/v1/o/{org_slug}/members/{member_id}/"]["patch"]
    assert {"bearerAuth": []} in members["security"]
    for code in ("400", "401", "403", "404", "429"):
        assert members["responses"][code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    params = {p["name"] for p in schema["paths"]["/api/v1/o/{org_slug}/members/"]["get"]["parameters"]}
    assert {"search", "role", "team", "is_active", "cursor", "page_size"} <= params


def _walk(node, path=()):
    """Every (path, schema object) under `node`."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


@pytest.fixture
def served_schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_openapi_spec_validator_accepts_the_served_schema(served_schema):
    assert served_schema["openapi"] == "3.1.0"
    validate(served_schema)  # raises with the first problem it finds


def test_openapi_spec_validator_is_not_a_rubber_stamp(served_schema):
    # The case: a read-only email whose default is "".
    broken = copy.deepcopy(served_schema)
    broken["components"]["schemas"]["Revision"]["properties"]["author"] = {
        "type": "string",
        "format": "email",
        "readOnly": True,
        "default": "",
    }
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_request_bodies_are_json_only(served_schema):
    bodies = [
        (path, method, operation["requestBody"])
        for path, item in served_schema["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    assert len(bodies) >= 10
    for path, method, body in bodies:
        assert list(body["content"]) == ["application/json"], (method, path)


def test_no_3_0_nullable_and_no_default_where_the_server_applies_none(served_schema):
    assert not [path for path, node in _walk(served_schema) if "nullable" in node]
    schemas = served_schema["components"]["schemas"]
    for name, component in schemas.items():
        if name.startswith("Patched") or not name.endswith("Request"):  # responses and PATCH bodies
            defaults = [p for p, node in _walk(component) if "default" in node]
            assert defaults == [], name
    # the four references that 3.0 could not type, now null or the object
    for name, field in [
        ("Member", "team"),
        ("Invitation", "team"),
        ("Invitation", "invited_by"),
        ("YourMembership", "team"),
    ]:
        assert {"type": "null"} in schemas[name]["properties"][field]["oneOf"], (name, field)


def test_schema_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Advocacy API"


def test_docs_page_loads_only_same_origin_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<style" not in html and "style=" not in html  # style-src 'self' would block them
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(body.strip() == "" for _, body in scripts)  # no inline script
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), ref
    for ref in refs:
        asset = client.get(ref.replace("&amp;", "&"))
        assert asset.status_code == 200, ref


def test_docs_start_script_is_javascript_pointing_at_the_schema(client):
    html = client.get("/api/docs/").content.decode()
    script_url = next(u for u in re.findall(r'<script src="([^"]+)"', html) if "script" in u.split("?")[-1])
    response = client.get(script_url.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    body = response.content.decode()
    assert "SwaggerUIBundle" in body and '"/api/schema/"' in body
    assert '"validatorUrl": null' in body
