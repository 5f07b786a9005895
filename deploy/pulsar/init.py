#!/usr/bin/env python3
"""Create the platform's namespace and topics on Pulsar and grant each role its actions.

Usage: init.py [--web-url URL] [--namespace TENANT/NS] [--cluster NAME] [--grants FILE]

Runs once before the services (compose.yml's ``pulsar-init``, in the Pulsar image), as the
superuser: its token comes from ``PULSAR_ADMIN_TOKEN``. Idempotent: what exists is kept, and
each (role, topic) gets exactly the actions of ``grants.txt`` (a topic's grant replaces the
role's earlier one). Standard library only, through the admin REST API (one request per
step, where ``bin/pulsar-admin`` would start a JVM per step).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def read_grants(path: Path) -> list[tuple[str, list[str], str]]:
    """``grants.txt``: ``(role, actions, topic)`` per line, comments left out."""
    grants = []
    for line in path.read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            role, actions, topic = words
            grants.append((role, actions.split(","), topic))
    return grants


class Admin:
    def __init__(self, web_url: str, token: str) -> None:
        self.base = web_url.rstrip("/") + "/admin/v2"
        self.token = token

    def call(self, method: str, path: str, body: object = None, ok: tuple[int, ...] = ()) -> int:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            if error.code in ok:
                return int(error.code)
            detail = error.read().decode(errors="replace")[:300]
            raise SystemExit(f"init: {method} {path}: {error.code} {detail}") from None

    def wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.call("GET", "/clusters")
                return
            except (OSError, SystemExit) as error:
                if time.monotonic() > deadline:
                    raise SystemExit(f"init: the broker did not answer: {error}") from None
                time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--web-url", default=os.environ.get("PULSAR_WEB_URL", "http://pulsar:8080"))
    parser.add_argument("--namespace", default=os.environ.get("TOPIC_NAMESPACE", "public/default"))
    parser.add_argument("--cluster", default="standalone", help="for a tenant it creates")
    parser.add_argument("--grants", type=Path, default=HERE / "grants.txt")
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait for the broker")
    args = parser.parse_args(argv)
    token = os.environ.get("PULSAR_ADMIN_TOKEN", "").strip()
    if not token:
        raise SystemExit("init: PULSAR_ADMIN_TOKEN is not set (the superuser's token)")
    admin = Admin(args.web_url, token)
    admin.wait(args.wait)

    tenant, namespace = args.namespace.split("/")
    clusters = {"allowedClusters": [args.cluster], "adminRoles": []}
    admin.call("PUT", f"/tenants/{tenant}", clusters, ok=(409,))
    admin.call("PUT", f"/namespaces/{tenant}/{namespace}", ok=(409,))
    grants = read_grants(args.grants)
    for topic in dict.fromkeys(topic for _, _, topic in grants):
        admin.call("PUT", f"/persistent/{tenant}/{namespace}/{topic}", ok=(409,))
    for role, actions, topic in grants:
        path = f"/persistent/{tenant}/{namespace}/{topic}/permissions/{role}"
        admin.call("POST", path, actions)
    roles = sorted({role for role, _, _ in grants})
    print(f"init: {args.namespace}: {len(grants)} grants for {', '.join(roles)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
