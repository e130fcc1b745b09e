"""What every operation of /api/v1 must declare, checked on the OpenAPI document itself so
a new router cannot forget it: a value set where the models have one, a length on every
string a client sends, bounds on every number, the error answers, and a refusal without
credentials."""

import pytest
from django.apps import apps

from linli.api import api

SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _choice_fields() -> set[str]:
    """Names of the fields that have a fixed set of values in any Linli model."""
    return {f.name for model in apps.get_models() if model.__module__.startswith("linli.")
            for f in model._meta.get_fields() if getattr(f, "choices", None)}


def _properties(node: dict, path: str, seen: frozenset = frozenset()):
    """(dotted path, property name, schema) of every property under a schema."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return
        seen |= {name}
    node = _resolve(node)
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key, []):
            yield from _properties(option, path, seen)
    if "items" in node:
        yield from _properties(node["items"], path + "[]", seen)
    if isinstance(node.get("additionalProperties"), dict):
        yield from _properties(node["additionalProperties"], path + "{}", seen)
    for name, prop in node.get("properties", {}).items():
        yield f"{path}.{name}", name, prop
        yield from _properties(prop, f"{path}.{name}", seen)


def _leaves(prop: dict) -> list[dict]:
    """The alternatives a property may take (an Optional is anyOf [X, null])."""
    prop = _resolve(prop)
    options = prop.get("anyOf") or prop.get("oneOf")
    if options:
        return [leaf for option in options for leaf in _leaves(option)]
    return [prop]


def _operations():
    for url, item in SCHEMA["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {url}", item[method]


def _inputs(operation: dict):
    """(where, name, schema) of every parameter and body property."""
    for parameter in operation.get("parameters", []):
        yield f"{parameter['in']}:{parameter['name']}", parameter["name"], parameter["schema"]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        yield from _properties(body["schema"], "body")


def _outputs(operation: dict):
    for status, response in operation["responses"].items():
        content = response.get("content", {}).get("application/json")
        if content:
            yield from _properties(content["schema"], f"{status}")


def test_it_declares_a_value_set_wherever_the_model_has_one():
    choices = _choice_fields()
    free = [f"{label} {where}"
            for label, operation in _operations()
            for where, name, prop in [*_inputs(operation), *_outputs(operation)]
            if name in choices and any(leaf.get("type") in ("string", "integer")
                                       and "enum" not in leaf and "const" not in leaf
                                       for leaf in _leaves(prop))]
    assert free == [], "free strings where the model has choices: " + ", ".join(free)


def test_it_bounds_every_string_and_number_a_client_sends():
    loose = []
    for label, operation in _operations():
        for where, _name, prop in _inputs(operation):
            for leaf in _leaves(prop):
                kind = leaf.get("type")
                if kind == "string" and not ({"enum", "const", "format", "maxLength"} & set(leaf)):
                    loose.append(f"{label} {where}: string without maxLength")
                if kind == "integer" and "enum" not in leaf and "maximum" not in leaf:
                    loose.append(f"{label} {where}: integer without maximum")
    assert loose == [], "\n".join(loose)


def test_it_declares_the_error_answers_of_every_operation():
    for label, operation in _operations():
        declared = {str(status) for status in operation["responses"]}
        assert {"401", "403", "404", "422"} <= declared, label


def test_the_workflow_fields_are_enums_the_service_knows():
    from linli.orgs.models import FilingKind
    from linli.orgs.services import TRANSITIONS

    post = SCHEMA["paths"]["/api/v1/orgs/filings/{pk}/{action}"]["post"]
    action = next(p for p in post["parameters"] if p["name"] == "action")
    assert set(_resolve(action["schema"])["enum"]) == set(TRANSITIONS)
    body = _resolve(SCHEMA["paths"]["/api/v1/orgs/filings/"]["post"]["requestBody"]["content"][
        "application/json"]["schema"])
    assert set(_resolve(body["properties"]["kind"])["enum"]) == set(FilingKind.values)


@pytest.mark.django_db
def test_it_refuses_every_operation_without_credentials(client):
    for label, _operation in _operations():
        method, url = label.split(" ", 1)
        url = url.replace("{pk}", "1").replace("{code}", "63").replace("{action}", "approve")
        response = getattr(client, method.lower())(url, {}, content_type="application/json")
        assert response.status_code == 401, label
        assert response.json()["error"]["code"] == "unauthenticated", label


@pytest.mark.django_db
def test_the_openapi_document_is_served_to_a_token_holder(client, personas):
    from linli.accounts.services import api_token_create

    _token, raw = api_token_create(actor=personas.county, name="文档")
    assert client.get("/api/v1/openapi.json").status_code == 401
    answer = client.get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200 and "/api/v1/orgs/filings/" in answer.json()["paths"]
    wrong = client.get("/api/v1/openapi.json", headers={"Authorization": "Bearer linli_nope"})
    assert wrong.status_code == 401


@pytest.mark.django_db
def test_a_token_wins_over_a_stale_session_cookie(client, personas):
    from linli.accounts.services import api_token_create

    _token, raw = api_token_create(actor=personas.county, name="脚本")
    client.cookies["sessionid"] = "stale-from-last-week"
    answer = client.post("/api/v1/orgs/filings/", {"organisation_id": 999999, "kind": "establish"},
                         content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 404  # authenticated by the token; no CSRF refusal (403)
