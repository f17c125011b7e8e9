#!/usr/bin/env python3
"""Write a synthetic Compose file with N services, for benchmarks.

usage: bench/generate.py N > compose.yaml

The services look like real ones: images, published ports, environment, a healthcheck,
named volumes, two networks, depends_on chains, and every tenth service gets a sidecar that
shares its network stack (network_mode: service:X). Output is deterministic.
"""
import sys


def main():
    n = int(sys.argv[1])
    out = ["name: bench", "services:"]
    for i in range(n):
        name = f"svc{i}"
        out += [
            f"  {name}:",
            f"    image: registry.example.com/team/app{i % 50}:1.{i % 7}",
            "    environment:",
            f"      SERVICE_INDEX: \"{i}\"",
            "      LOG_LEVEL: info",
            f"      UPSTREAM: http://svc{max(i - 1, 0)}:8080",
            "    ports:",
            f"      - \"{10000 + i}:8080\"",
            "    healthcheck:",
            "      test: [\"CMD-SHELL\", \"wget -qO- http://localhost:8080/health || exit 1\"]",
            "      interval: 10s",
            "      timeout: 3s",
            "      retries: 5",
            "    volumes:",
            f"      - data{i % 20}:/var/lib/app",
            "    networks: [front, back]" if i % 3 else "    networks: [back]",
            "    deploy:",
            "      resources:",
            "        limits: {cpus: \"0.5\", memory: 256m}",
        ]
        if i > 0:
            cond = "service_healthy" if i % 4 == 0 else "service_started"
            out += ["    depends_on:", f"      svc{i - 1}:", f"        condition: {cond}"]
        if i % 10 == 0:
            out += [
                f"  {name}-proxy:",
                "    image: envoyproxy/envoy:v1.30",
                f"    network_mode: \"service:{name}\"",
                "    command: [\"envoy\", \"-c\", \"/etc/envoy/envoy.yaml\"]",
            ]
    out += ["volumes:"] + [f"  data{i}: {{}}" for i in range(min(n, 20))]
    out += ["networks:", "  front: {}", "  back:", "    internal: true"]
    print("\n".join(out))


if __name__ == "__main__":
    main()
