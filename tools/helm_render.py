#!/usr/bin/env python3
"""Runs the real Helm engine for the tests: reads a JSON list of requests on stdin, writes a
JSON list of answers on stdout, one per request, in order.

    {"op": "render", "chart": DIR, "release": NAME, "namespace": NS, "values": {...},
     "revision": N, "upgrade": BOOL}
        -> {"objects": [object], "notes": text, "manifests": {template: text}} | {"error": text}
    {"op": "schema", "chart": DIR, "values": {...}}  -> {"ok": true} | {"error": text}
    {"op": "lint", "chart": DIR}                      -> {"errors": [text]}  (helm lint --strict)

Run by tools/helm-python, which provides helm_python (PyPI helm-python-sdk).
"""
import json
import sys

import helm_python as helm
import yaml


def answer(request, charts):
    path = request["chart"]
    if request["op"] == "lint":
        report = helm.lint(path, strict=True, kube_version="v1.33.0")
        errors = [f"{m.get('path')}: {m.get('error')}" for m in report.get("messages") or []
                  if (m.get("severity") or 0) >= 2]
        return {"errors": errors + list(report.get("errors") or [])}
    if path not in charts:
        charts[path] = helm.Chart.load(path)
    chart = charts[path]
    if request["op"] == "schema":
        chart.validate_schema(request.get("values"))
        return {"ok": True}
    revision = request.get("revision") or 1
    manifests = chart.render(values=request.get("values"), name=request["release"],
                             namespace=request.get("namespace") or "default", revision=revision,
                             is_install=not request.get("upgrade"), is_upgrade=bool(request.get("upgrade")))
    objects, notes = [], ""
    for template in sorted(manifests):
        if template.endswith("NOTES.txt"):
            notes = manifests[template]
            continue
        objects += [doc for doc in yaml.safe_load_all(manifests[template]) if doc is not None]
    return {"objects": objects, "notes": notes, "manifests": manifests}


def main():
    charts = {}
    out = []
    for request in json.load(sys.stdin):
        try:
            out.append(answer(request, charts))
        except (helm.HelmError, yaml.YAMLError) as err:
            out.append({"error": str(err)})
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
