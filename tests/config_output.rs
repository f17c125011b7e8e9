//! `compose2kube config` prints a Compose file that loads back to the same model: paths are
//! absolute, `$` is escaped as `$$`, strings that YAML would read as something else are quoted.
//! The corpus run checks this on real files; these check it on values chosen to be awkward.
// Test helpers outside `#[test]` functions may panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{Project, assert_clean, describe, env, load};
use compose2kube::compose::{FileArg, Loaded};

/// Writes the `config` output of `loaded` into a new directory and loads it from there.
fn round_trip(loaded: &Loaded) -> (String, Loaded) {
    let yaml = compose2kube::render::config::render(loaded).unwrap();
    let elsewhere = Project::new();
    let file = elsewhere.write("compose.yaml", &yaml);
    let mut options = elsewhere.options();
    options.files = vec![FileArg::Path(file)];
    options.interpolate = loaded.interpolated;
    (yaml, load(&options))
}

fn assert_same_model(loaded: &Loaded, again: &Loaded, yaml: &str) {
    assert_clean(again);
    let strip = |l: &Loaded| {
        l.project.clone().map(|mut p| {
            p.name = None;
            p.version = None;
            p
        })
    };
    assert!(
        strip(again) == strip(loaded),
        "the model changed; config output:\n{yaml}"
    );
    assert_eq!(again.name, loaded.name);
    let (yaml_again, _) = round_trip(again);
    assert_eq!(yaml_again, yaml, "config output is not stable");
}

const AWKWARD: &str = r##"
name: awkward
x-anchor: &anchor
  LOG: debug
services:
  web:
    image: "registry.example.com:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    environment:
      <<: *anchor
      YES_STRING: "yes"
      ON_STRING: "on"
      NULL_STRING: "null"
      TILDE: "~"
      OCTAL: "012"
      HEX: "0x1F"
      FLOAT: "1e3"
      INF: ".inf"
      PLAIN_NUMBER: 42
      PLAIN_FLOAT: 1.50
      PLAIN_BOOL: true
      EMPTY: ""
      UNSET:
      DOLLAR: "$$HOME and $${NOT_INTERPOLATED}"
      INTERPOLATED: "${USER_NAME}"
      DEFAULTED: "${MISSING:-fallback}"
      MULTI: "line one\nline two\n"
      COLON: "key: value"
      HASH: "#not a comment"
      LEADING: " spaced "
      QUOTES: "it's \"quoted\""
      BACKSLASH: 'C:\path\to'
      UNICODE: "héllo wörld ✓ 日本"
      LONG: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
      DASH: "-"
      STAR: "*"
      AMP: "&a"
      BRACES: "{a: 1}"
      BRACKETS: "[1, 2]"
    command: ["sh", "-c", "echo $$PATH && echo '$${X}' && exit 0"]
    entrypoint: /bin/sh -c 'exec "$$@"'
    labels:
      com.example.description: "Accounting webapp"
      "com.example.empty": ""
      com.example.number: "1"
    ports:
      - "80"
      - "8080:80"
      - "127.0.0.1:8443:443/tcp"
      - "[::1]:5353:53/udp"
      - "9000-9002:9000-9002"
      - target: 6000
        published: "6000-6005"
        protocol: sctp
    expose: ["3000", "4000-4002"]
    volumes:
      - ./data:/data:ro
      - named:/named
      - /anonymous
      - type: tmpfs
        target: /tmp
        tmpfs: {size: 10m}
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost/?a=$$b"]
      interval: 1m30s
      timeout: 500ms
      start_period: 1h
      retries: 3
    extra_hosts: ["somehost=162.242.195.82", "otherhost=50.31.209.229", "v6=::1"]
    dns: 8.8.8.8
    dns_search: [example.com]
    ulimits:
      nproc: 65535
      nofile: {soft: 20000, hard: 40000}
    sysctls: [net.core.somaxconn=1024]
    stop_grace_period: 1m
    mem_limit: 1.5g
    shm_size: "64M"
    cpus: 0.5
    user: "1000:1000"
    working_dir: /app dir
    logging:
      driver: json-file
      options: {max-size: "10m", max-file: "3"}
    networks:
      front:
        aliases: [www, "web.local"]
      back: {}
    secrets: [token]
    configs:
      - source: nginx
        target: /etc/nginx.conf
        mode: 0440
    depends_on:
      db:
        condition: service_healthy
        restart: true
    deploy:
      replicas: 2
      resources:
        limits: {cpus: "0.50", memory: 50M}
        reservations: {devices: [{capabilities: [gpu], count: all}]}
      labels: [a=b]
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3}
    x-custom: {kept: "$$literal"}
  db:
    image: postgres:16
    build:
      context: ./db
      dockerfile_inline: |
        FROM postgres:16
        RUN echo "$$PGDATA"
      args:
        VERSION: "1.0"
        EMPTY_ARG:
    healthcheck:
      test: pg_isready -U "$$POSTGRES_USER"
    env_file:
      - path: ./db.env
        required: false
    profiles: []
networks:
  front:
    driver: bridge
    ipam:
      config:
        - subnet: 172.28.0.0/16
          gateway: 172.28.0.1
  back:
    internal: true
volumes:
  named:
    driver_opts: {type: none, o: bind, device: ./named}
secrets:
  token:
    file: ./token.txt
configs:
  nginx:
    content: |
      server { listen 80; set $$x "1"; }
"##;

#[test]
fn config_output_of_awkward_values_loads_back_to_the_same_model() {
    let p = Project::new();
    p.write("compose.yaml", AWKWARD);
    let mut options = p.options();
    options.environment = env(&[("USER_NAME", "$ally")]);
    let loaded = load(&options);
    assert!(!loaded.diagnostics.has_errors(), "{}", describe(&loaded));
    let (yaml, again) = round_trip(&loaded);
    assert_same_model(&loaded, &again, &yaml);
}

#[test]
fn config_output_without_interpolation_keeps_variables_and_loads_back_the_same() {
    let p = Project::new();
    p.write("compose.yaml", AWKWARD);
    let mut options = p.options();
    options.interpolate = false;
    let loaded = load(&options);
    assert!(!loaded.diagnostics.has_errors(), "{}", describe(&loaded));
    let (yaml, again) = round_trip(&loaded);
    assert!(yaml.contains("${USER_NAME}"), "{yaml}");
    assert_same_model(&loaded, &again, &yaml);
}

#[test]
fn config_output_of_the_full_model_sample_loads_back_to_the_same_model() {
    let p = Project::new();
    let sample = include_str!("fixtures/model/full.yaml");
    // The sample's includes point at files that do not exist: leave them out.
    let (_, services) = sample.split_once("\nx-defaults").unwrap();
    p.write("compose.yaml", &format!("x-defaults{services}"));
    p.write(
        "base.yaml",
        "services:\n  base:\n    image: base\n    labels: {from: base}\n",
    );
    // A required env file must exist (as `docker compose` requires).
    p.write(".env", "FROM_ENV_FILE=1\n");
    let loaded = load(&p.options());
    assert!(!loaded.diagnostics.has_errors(), "{}", describe(&loaded));
    let (yaml, again) = round_trip(&loaded);
    assert_same_model(&loaded, &again, &yaml);
}

#[test]
fn config_output_escapes_dollars_of_interpolated_values() {
    let p = Project::new();
    p.write(
        "compose.yaml",
        "services:\n  web:\n    image: a\n    environment:\n      PASSWORD: ${PASSWORD}\n",
    );
    let mut options = p.options();
    options.environment = env(&[("PASSWORD", "pa$$word${x}")]);
    let loaded = load(&options);
    let (yaml, again) = round_trip(&loaded);
    assert!(yaml.contains("pa$$$$word$${x}"), "{yaml}");
    assert_eq!(
        common::environment(&again, "web", "PASSWORD"),
        Some(Some("pa$$word${x}"))
    );
}
