"""The Kubernetes manifests (deploy/kubernetes/), checked offline: each resource against the
Kubernetes 1.28 API schema (kubernetes-validate, strict: unknown fields are errors), and the
wiring between them. Nothing here starts a cluster."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator, List

import kubernetes_validate
import pytest
import yaml

from bot.settings import PROJECT_ROOT

MANIFESTS = PROJECT_ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.28.0"


def documents(path: Path) -> List[Dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def all_resources() -> Iterator[Dict]:
    for path in sorted(MANIFESTS.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            yield from documents(path)


def containers(resource: Dict) -> List[Dict]:
    spec = resource.get("spec", {})
    template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template", {})
    return template.get("spec", {}).get("containers", [])


@pytest.mark.parametrize("path", sorted(p.name for p in MANIFESTS.glob("*.yaml") if p.name != "kustomization.yaml"))
def test_every_resource_matches_the_kubernetes_schema(path: str) -> None:
    for resource in documents(MANIFESTS / path):
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_rejects_a_broken_resource() -> None:
    deployment = next(r for r in all_resources() if r["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "three"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    listed = set(yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())["resources"])
    present = {p.name for p in MANIFESTS.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert listed == present


def test_every_secret_key_used_is_in_the_secret_example() -> None:
    (secret,) = documents(MANIFESTS / "secret.example.yaml")
    keys = set(secret["stringData"])
    for resource in all_resources():
        for container in containers(resource):
            for variable in container.get("env", []):
                ref = variable.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == secret["metadata"]["name"] and ref["key"] in keys, variable


def test_services_select_pods_that_exist_and_the_action_server_stays_on_loopback() -> None:
    resources = list(all_resources())
    pod_labels = [
        r["spec"]["template"]["metadata"]["labels"] for r in resources if r["kind"] in ("Deployment", "StatefulSet")
    ]
    for service in (r for r in resources if r["kind"] == "Service"):
        selector = service["spec"]["selector"]
        assert any(selector.items() <= labels.items() for labels in pod_labels), service["metadata"]["name"]
    rasa = next(r for r in resources if r["kind"] == "Deployment" and r["metadata"]["name"] == "rasa")
    actions = next(c for c in containers(rasa) if c["name"] == "actions")
    assert {"name": "SANIC_HOST", "value": "127.0.0.1"} in actions["env"]
    assert all(p["containerPort"] != 5055 for c in containers(rasa) for p in c.get("ports", []))
