//! What a chart does over real releases, rendered by the real Helm engine: long release names,
//! claims kept on uninstall, one-shot Jobs across upgrades, the values a user types,
//! Helm's labels, NOTES.txt, two releases in one namespace, and `service.type`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use compose2kube::compose::{self, LoadOptions};
use compose2kube::diag::Diagnostic;
use compose2kube::render::helm::{self, ChartOptions};

use crate::fixtures::options_from_args;
use crate::render::{ChartDir, Rendered, run};

/// The chart of a Compose file given as text, converted with `args`.
fn chart_of(compose_text: &str, args: &[&str]) -> ChartDir {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("compose.yaml");
    std::fs::write(&file, compose_text).unwrap();
    let mut options = LoadOptions::for_files([&file]);
    options.working_dir = dir.path().to_path_buf();
    let loaded = compose::load(&options);
    let diagnostics = compose2kube::check(&loaded);
    assert!(
        !diagnostics.iter().any(Diagnostic::is_error),
        "{diagnostics:?}"
    );
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let converted = compose2kube::convert(&loaded, &options_from_args(&args));
    let files: BTreeMap<String, String> = helm::chart(
        &converted.plan,
        &converted.objects(),
        &ChartOptions::default(),
    )
    .unwrap()
    .into_iter()
    .map(|(path, text)| (path.to_string_lossy().into_owned(), text))
    .collect();
    ChartDir::write(&files)
}

fn find<'r>(rendered: &'r Rendered, kind: &str, name: &str) -> Option<&'r Value> {
    rendered
        .objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
}

fn names(rendered: &Rendered, kind: &str) -> Vec<String> {
    rendered
        .objects
        .iter()
        .filter(|o| o["kind"] == kind)
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_owned())
        .collect()
}

fn ok(answers: Vec<Result<Rendered, String>>) -> Vec<Rendered> {
    answers.into_iter().map(|a| a.unwrap()).collect()
}

const APP: &str = r#"
services:
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data, data-wal-archive-of-the-primary-database:/wal]
    healthcheck:
      test: [CMD, pg_isready]
  migrate-the-database-schema-to-the-latest-version:
    image: example/app:1.0
    restart: "no"
    depends_on:
      db: { condition: service_healthy }
  web-frontend-of-the-application-for-customers:
    image: example/app:1.0
    ports: ["8080:80"]
    environment:
      DATABASE_URL: postgres://app@db:5432/app
      DB_HOST: db
      BROKERS: db:5432,cache:6379
      NOT_A_HOST: db-replica
      PATH_LIKE: db/data
    depends_on:
      migrate-the-database-schema-to-the-latest-version:
        condition: service_completed_successfully
  worker:
    image: example/app:1.0
    depends_on:
      migrate-the-database-schema-to-the-latest-version:
        condition: service_completed_successfully
  cache:
    image: redis:7
    expose: ["6379"]
  log-shipper:
    image: example/shipper:1.0
    network_mode: service:cache
volumes:
  data:
  data-wal-archive-of-the-primary-database:
"#;

const WEB: &str = "web-frontend-of-the-application-for-customers";
const MIGRATE: &str = "migrate-the-database-schema-to-the-latest-version";

#[test]
fn names_stay_distinct_and_within_limits_with_a_53_character_release_name() {
    let chart = chart_of(APP, &[]);
    let release = "r".repeat(53);
    let rendered = ok(run(&[
        chart.render(&release, |_| {}),
        chart.render(&release, |v| {
            v["global"]["prefixServiceNames"] = json!(true);
        }),
    ]));
    for rendered in &rendered {
        let mut seen = std::collections::BTreeSet::new();
        for object in &rendered.objects {
            let kind = object["kind"].as_str().unwrap();
            let name = object["metadata"]["name"].as_str().unwrap();
            assert!(seen.insert((kind, name)), "two objects {kind} {name}");
            let limit = if matches!(kind, "Service" | "Job") {
                63
            } else {
                253
            };
            assert!(name.len() <= limit, "{kind} {name}");
        }
    }
    // Cut names end in a hash of the whole name: the two claims differ.
    let claims = names(&rendered[0], "PersistentVolumeClaim");
    assert_eq!(claims.len(), 2, "{claims:?}");
    let job = &names(&rendered[0], "Job")[0];
    let hash = job.rsplit('-').next().unwrap();
    assert!(
        job.len() <= 63 && hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{job}"
    );
    let services = names(&rendered[1], "Service");
    assert!(
        services
            .iter()
            .all(|s| s.len() <= 63 && s.starts_with("rrr")),
        "{services:?}"
    );
    // The wait container names the cut Job.
    let web = find(&rendered[0], "Deployment", &format!("{release}-{WEB}")).unwrap();
    let script = web["spec"]["template"]["spec"]["initContainers"].to_string();
    assert!(script.contains(&format!("job/{job}")), "{script}");
}

#[test]
fn claims_are_kept_by_helm_unless_keep_is_turned_off() {
    let chart = chart_of(APP, &[]);
    let rendered = ok(run(&[
        chart.render("rel", |_| {}),
        chart.render("rel", |v| {
            v["db"]["persistence"]["data"]["keep"] = json!(false);
        }),
    ]));
    let kept = find(&rendered[0], "PersistentVolumeClaim", "rel-data").unwrap();
    assert_eq!(
        kept["metadata"]["annotations"]["helm.sh/resource-policy"],
        "keep"
    );
    let deleted = find(&rendered[1], "PersistentVolumeClaim", "rel-data").unwrap();
    assert!(
        deleted["metadata"].get("annotations").is_none(),
        "{deleted}"
    );
}

#[test]
fn one_shot_jobs_get_a_new_name_at_each_upgrade_and_their_waiters_follow() {
    let chart = chart_of(APP, &[]);
    let rendered = ok(run(&[chart.render("rel", |_| {}), chart.upgrade("rel", 2)]));
    for (rendered, job) in [
        (&rendered[0], format!("rel-{MIGRATE}")),
        (&rendered[1], format!("rel-{MIGRATE}-r2")),
    ] {
        assert_eq!(names(rendered, "Job"), std::slice::from_ref(&job));
        let web = find(rendered, "Deployment", &format!("rel-{WEB}")).unwrap();
        let script = web["spec"]["template"]["spec"]["initContainers"].to_string();
        assert!(script.contains(&format!("job/{job} ")), "{script}");
    }
}

#[test]
fn values_show_replicas_reject_typos_and_take_numeric_tags() {
    let chart = chart_of(APP, &[]);
    assert_eq!(chart.values[WEB]["replicas"], 1);
    assert_eq!(chart.values["db"]["replicas"], 1);
    assert!(chart.values["log-shipper"].get("replicas").is_none());
    assert!(chart.values[MIGRATE].get("replicas").is_none());
    let answers = run(&[
        chart.schema(&json!({ "db": { "replcias": 3 } })),
        chart.schema(&json!({ "db": { "replicas": "three" } })),
        chart.schema(&json!({ "log-shipper": { "replicas": 2 } })),
        chart.schema(&json!({ MIGRATE: { "replicas": 2 } })),
        chart.schema(&json!({ "db": { "image": { "tga": "16" } } })),
        chart.schema(&json!({ "wbe": { "replicas": 2 } })),
        chart.schema(&json!({ "db": { "image": { "tag": 16 } } })),
        chart.render("rel", |v| {
            v["db"]["image"]["tag"] = json!(16);
            v["db"]["replicas"] = json!(2);
        }),
        chart.render("rel", |_| {}),
    ]);
    for (i, answer) in answers.iter().take(6).enumerate() {
        assert!(answer.is_err(), "request {i} is accepted");
    }
    assert!(answers[6].is_ok(), "{:?}", answers[6]);
    let rendered = answers[7].as_ref().unwrap();
    let db = find(rendered, "Deployment", "rel-db").unwrap();
    assert_eq!(db["spec"]["replicas"], 2);
    assert_eq!(
        db["spec"]["template"]["spec"]["containers"][0]["image"],
        "postgres:16"
    );
    // replicas: 1 stays the Kubernetes default, unwritten, as in the plain output.
    let db = find(answers[8].as_ref().unwrap(), "Deployment", "rel-db").unwrap();
    assert!(db["spec"].get("replicas").is_none());
}

#[test]
fn every_object_of_a_chart_is_managed_by_helm() {
    let chart = chart_of(APP, &[]);
    let rendered = ok(run(&[chart.render("rel", |_| {})])).remove(0);
    for object in &rendered.objects {
        assert_eq!(
            object["metadata"]["labels"]["app.kubernetes.io/managed-by"], "Helm",
            "{object}"
        );
    }
}

#[test]
fn notes_say_how_to_reach_the_application() {
    let chart = chart_of(APP, &[]);
    let rendered = ok(run(&[
        chart.render("rel", |_| {}),
        chart.render("rel", |v| {
            v[WEB]["ingress"]["enabled"] = json!(true);
            v[WEB]["ingress"]["hosts"][0]["host"] = json!("shop.example.com");
            v[WEB]["service"]["type"] = json!("NodePort");
        }),
    ]));
    let notes = &rendered[0].notes;
    assert!(
        notes.contains(&format!(
            "kubectl port-forward --namespace default svc/{WEB} 8080:8080\n"
        )),
        "{notes}"
    );
    assert!(
        notes.contains("kubectl port-forward --namespace default svc/cache 6379:6379"),
        "{notes}"
    );
    assert!(!notes.contains("http://"), "{notes}");
    let notes = &rendered[1].notes;
    assert!(notes.contains("http://shop.example.com/"), "{notes}");
    assert!(
        notes.contains(&format!("kubectl get service --namespace default {WEB}")),
        "{notes}"
    );
    assert!(notes.contains("another namespace"), "{}", rendered[0].notes);
}

#[test]
fn prefixed_service_names_reach_the_wait_containers_and_the_env_host_names() {
    let chart = chart_of(APP, &[]);
    let rendered = ok(run(&[
        chart.render("rel", |v| v["global"]["prefixServiceNames"] = json!(true)),
        chart.render("rel", |_| {}),
    ]));
    let web = find(&rendered[0], "Deployment", &format!("rel-{WEB}")).unwrap();
    let env: BTreeMap<String, String> = web["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(env["DATABASE_URL"], "postgres://app@rel-db:5432/app");
    assert_eq!(env["DB_HOST"], "rel-db");
    assert_eq!(env["BROKERS"], "rel-db:5432,rel-cache:6379");
    assert_eq!(env["NOT_A_HOST"], "db-replica");
    assert_eq!(env["PATH_LIKE"], "db/data");
    let db_waiter = find(&rendered[0], "Job", &format!("rel-{MIGRATE}")).unwrap();
    let script = db_waiter["spec"]["template"]["spec"]["initContainers"].to_string();
    assert!(script.contains("rel-db"), "{script}");
    let plain = find(&rendered[1], "Deployment", &format!("rel-{WEB}")).unwrap();
    let env = &plain["spec"]["template"]["spec"]["containers"][0]["env"];
    assert!(
        env.as_array()
            .unwrap()
            .contains(&json!({ "name": "DB_HOST", "value": "db" })),
        "{env}"
    );
}

#[test]
fn service_type_exposes_the_published_ports_and_never_the_internal_ones() {
    const MIXED: &str = r#"
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
  mail:
    image: example/mail:1.0
    ports: ["1080:1080"]
    expose: ["1025"]
"#;
    let chart = chart_of(MIXED, &[]);
    let nodeport = chart_of(MIXED, &["--service-type", "nodeport"]);
    let node = |v: &mut Value| {
        v["web"]["service"]["type"] = json!("NodePort");
        v["mail"]["service"]["type"] = json!("NodePort");
    };
    let rendered = ok(run(&[
        chart.render("rel", |_| {}),
        chart.render("rel", node),
        nodeport.render("rel", |_| {}),
        nodeport.render("rel", |v| {
            v["web"]["service"]["type"] = json!("ClusterIP");
            v["mail"]["service"]["type"] = json!("ClusterIP");
        }),
    ]));
    // Converted as ClusterIP: web has no internal port, so its Service goes out as it is;
    // mail's SMTP port is internal, so a Service of the published port alone goes out.
    assert_eq!(names(&rendered[0], "Service"), ["mail", "web"]);
    let web = find(&rendered[1], "Service", "web").unwrap();
    assert_eq!(web["spec"]["type"], "NodePort");
    let mail = find(&rendered[1], "Service", "mail").unwrap();
    assert_eq!(mail["spec"]["type"], "ClusterIP");
    let published = find(&rendered[1], "Service", "mail-published").unwrap();
    assert_eq!(published["spec"]["type"], "NodePort");
    let ports: Vec<i64> = published["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["port"].as_i64().unwrap())
        .collect();
    assert_eq!(ports, [1080]);
    // Converted as NodePort: the values act on <name>-published; ClusterIP leaves it out.
    let mut with = names(&rendered[2], "Service");
    with.sort();
    assert_eq!(with, ["mail", "mail-published", "web", "web-published"]);
    assert_eq!(
        find(&rendered[2], "Service", "web").unwrap()["spec"]["type"],
        "ClusterIP"
    );
    assert_eq!(names(&rendered[3], "Service"), ["mail", "web"]);
}
