//! The fake server seen from a real blocking client (ureq) on std threads, as
//! learner code sees it. Timing assertions are lower bounds only.

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use kata_fakes::{body_for, FakeServer, Route, Script};

/// A ureq agent that never uses a proxy and hands back 4xx/5xx as responses.
fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build();
    ureq::Agent::new_with_config(config)
}

/// Status and body of a GET.
fn get(agent: &ureq::Agent, url: &str) -> (u16, String) {
    let mut response = agent.get(url).call().expect("request to the fake server");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().expect("body");
    (status, body)
}

fn start(script: Script) -> FakeServer {
    FakeServer::start(script).expect("fake server starts")
}

#[test]
fn default_route_answers_body_for_path() {
    let server = start(Script::new());
    let (status, body) = get(&agent(), &server.url("/some/page?x=1"));
    assert_eq!(status, 200);
    assert_eq!(body, body_for("/some/page"));
    assert_eq!(body, "kata body for /some/page");
    let stats = server.stats();
    assert_eq!(stats.requests, 1);
    assert_eq!(stats.per_path.get("/some/page"), Some(&1));
    assert_eq!(stats.max_in_window, 0, "no rate limit, no window");
    assert!(server.url("/a").starts_with("http://127.0.0.1:"));
    assert_eq!(server.url("a"), server.url("/a"));
}

#[test]
fn scripted_routes_answer_their_status_and_body() {
    let server = start(
        Script::new()
            .route("/broken", Route::status(500))
            .route("/custom", Route::ok().body("hello")),
    );
    let agent = agent();
    assert_eq!(get(&agent, &server.url("/broken")).0, 500);
    assert_eq!(get(&agent, &server.url("/custom")), (200, "hello".to_owned()));
    assert_eq!(get(&agent, &server.url("/other")).0, 200);
    let statuses: Vec<(String, u16)> =
        server.events().into_iter().map(|e| (e.path, e.status)).collect();
    assert_eq!(
        statuses,
        vec![("/broken".to_owned(), 500), ("/custom".to_owned(), 200), ("/other".to_owned(), 200)]
    );
}

#[test]
fn per_path_and_per_host_counts_are_exact() {
    let server = start(Script::new().hosts(2));
    let agent = agent();
    for _ in 0..3 {
        get(&agent, &server.url_on(0, "/a"));
    }
    for _ in 0..2 {
        get(&agent, &server.url_on(1, "/a"));
        get(&agent, &server.url_on(1, "/b"));
    }
    let (h0, h1) = (server.host_name(0), server.host_name(1));
    assert_ne!(h0, h1);
    assert_eq!(server.url_on(1, "/x"), format!("http://{h1}/x"));
    let stats = server.stats();
    assert_eq!(stats.requests, 7);
    assert_eq!(stats.per_path.get("/a"), Some(&5));
    assert_eq!(stats.per_path.get("/b"), Some(&2));
    assert_eq!(stats.per_path.len(), 2);
    assert_eq!(stats.per_host.get(&h0), Some(&3));
    assert_eq!(stats.per_host.get(&h1), Some(&4));
    assert_eq!(stats.peak_per_host.get(&h0), Some(&1));
    assert_eq!(stats.peak_per_host.get(&h1), Some(&1));
    let events = server.events();
    assert_eq!(events.len(), 7);
    assert!(events[..3].iter().all(|e| e.host == h0));
    assert!(events[3..].iter().all(|e| e.host == h1));
}

#[test]
fn peak_in_flight_counts_simultaneous_requests() {
    let latency = Duration::from_millis(200);
    let server =
        Arc::new(start(Script::new().hosts(2).route("/slow", Route::ok().latency(latency))));
    let barrier = Arc::new(Barrier::new(8));
    let workers: Vec<_> = (0..8)
        .map(|i| {
            let (server, barrier) = (Arc::clone(&server), Arc::clone(&barrier));
            thread::spawn(move || {
                let agent = agent();
                barrier.wait();
                get(&agent, &server.url_on(i % 2, "/slow"))
            })
        })
        .collect();
    for worker in workers {
        assert_eq!(worker.join().expect("worker").0, 200);
    }
    let stats = server.stats();
    assert_eq!(stats.requests, 8);
    assert_eq!(stats.peak_in_flight, 8);
    for host in 0..2 {
        assert_eq!(stats.peak_per_host.get(&server.host_name(host)), Some(&4));
    }
    for event in server.events() {
        assert!(event.end - event.start >= latency, "{event:?}");
    }
}

#[test]
fn sixty_four_connections_are_served_at_once() {
    let server = Arc::new(start(Script::new().latency(Duration::from_millis(400))));
    let barrier = Arc::new(Barrier::new(64));
    let workers: Vec<_> = (0..64)
        .map(|i| {
            let (server, barrier) = (Arc::clone(&server), Arc::clone(&barrier));
            thread::spawn(move || {
                let agent = agent();
                barrier.wait();
                get(&agent, &server.url(&format!("/item/{i}")))
            })
        })
        .collect();
    for (i, worker) in workers.into_iter().enumerate() {
        let (status, body) = worker.join().expect("worker");
        assert_eq!(status, 200);
        assert_eq!(body, body_for(&format!("/item/{i}")));
    }
    let stats = server.stats();
    assert_eq!(stats.requests, 64);
    assert_eq!(stats.peak_in_flight, 64);
}

#[test]
fn sequential_requests_peak_at_one_and_take_the_latency() {
    let latency = Duration::from_millis(50);
    let server = start(Script::new().latency(latency));
    let agent = agent();
    for i in 0..4 {
        let started = Instant::now();
        assert_eq!(get(&agent, &server.url(&format!("/{i}"))).0, 200);
        assert!(started.elapsed() >= latency);
    }
    let stats = server.stats();
    assert_eq!(stats.requests, 4);
    assert_eq!(stats.peak_in_flight, 1);
    let events = server.events();
    let paths: Vec<&str> = events.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["/0", "/1", "/2", "/3"]);
    for pair in events.windows(2) {
        assert!(pair[0].end <= pair[1].start, "{pair:?}");
    }
}

#[test]
fn sliding_window_rate_limit_answers_429_with_retry_after() {
    let server = start(Script::new().rate_limit(3, Duration::from_secs(1)));
    let agent = agent();
    let mut ok = 0;
    let mut limited = Vec::new();
    for i in 0..6 {
        let response = agent.get(&server.url(&format!("/r/{i}"))).call().expect("request");
        match response.status().as_u16() {
            200 => ok += 1,
            429 => {
                let header = |name: &str| -> u64 {
                    response
                        .headers()
                        .get(name)
                        .unwrap_or_else(|| panic!("429 without {name}"))
                        .to_str()
                        .expect("ascii")
                        .parse()
                        .expect("integer")
                };
                limited.push((header("retry-after"), header("x-retry-after-ms")));
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(ok, 3);
    assert_eq!(limited.len(), 3);
    for &(secs, millis) in &limited {
        assert!(secs >= 1, "Retry-After {secs}");
        assert!((1..=1000).contains(&millis), "x-retry-after-ms {millis}");
        assert!(secs * 1000 >= millis);
    }
    let stats = server.stats();
    assert_eq!(stats.requests, 6);
    assert_eq!(stats.rate_limited, 3);
    // A 429 means three accepted starts were within one window.
    assert_eq!(stats.max_in_window, 3);
    assert_eq!(stats.per_path.len(), 6);

    // Waiting as long as the server said frees a slot.
    let wait = limited.last().expect("a 429").1;
    thread::sleep(Duration::from_millis(wait));
    assert_eq!(get(&agent, &server.url("/after")).0, 200);
    let stats = server.stats();
    assert_eq!(stats.rate_limited, 3);
    assert!(stats.max_in_window <= 3);
}

#[test]
fn reset_zeroes_everything() {
    let server = start(Script::new().hosts(2).rate_limit(1, Duration::from_secs(5)));
    let agent = agent();
    assert_eq!(get(&agent, &server.url("/a")).0, 200);
    assert_eq!(get(&agent, &server.url_on(1, "/b")).0, 429);
    server.reset();
    let stats = server.stats();
    assert_eq!(stats.requests, 0);
    assert_eq!(stats.peak_in_flight, 0);
    assert_eq!(stats.rate_limited, 0);
    assert_eq!(stats.max_in_window, 0);
    assert!(stats.per_path.is_empty());
    assert!(stats.per_host.values().all(|&n| n == 0));
    assert!(stats.peak_per_host.values().all(|&n| n == 0));
    assert_eq!(stats.per_host.len(), 2);
    assert!(server.events().is_empty());
    // The rate limit forgot the earlier start too.
    assert_eq!(get(&agent, &server.url("/c")).0, 200);
    let stats = server.stats();
    assert_eq!(stats.requests, 1);
    assert_eq!(stats.peak_in_flight, 1);
    assert_eq!(stats.max_in_window, 1);
}

#[test]
fn drop_shuts_the_server_down() {
    let server = start(Script::new());
    let url = server.url("/x");
    assert_eq!(get(&agent(), &url).0, 200);
    drop(server);
    assert!(agent().get(&url).call().is_err(), "server still answers");
}

#[test]
fn drop_does_not_wait_for_a_very_slow_route() {
    let server =
        start(Script::new().route("/stuck", Route::ok().latency(Duration::from_secs(600))));
    let url = server.url("/stuck");
    // No client timeout: only the server closing the connection ends it.
    let client = thread::spawn(move || {
        let config = ureq::Agent::config_builder().proxy(None).build();
        ureq::Agent::new_with_config(config).get(&url).call().map(|_| ())
    });
    while server.stats().requests == 0 {
        thread::sleep(Duration::from_millis(5));
    }
    let dropping = Instant::now();
    drop(server);
    // Generous: the grace period is half a second, the route ten minutes.
    assert!(dropping.elapsed() < Duration::from_secs(30));
    assert!(client.join().expect("client").is_err(), "stuck request answered");
}

#[test]
fn a_busy_route_answers_429_first_and_the_calls_say_what_they_were_told() {
    let server =
        start(Script::new().route("/busy", Route::ok().busy(2, Duration::from_millis(1500))));
    let agent = agent();
    let statuses: Vec<u16> = (0..3).map(|_| get(&agent, &server.url("/busy")).0).collect();
    assert_eq!(statuses, [429, 429, 200]);
    let told: Vec<Option<Duration>> = server.events().iter().map(|e| e.retry_after).collect();
    let wait = Some(Duration::from_millis(1500));
    assert_eq!(told, [wait, wait, None]);
    assert_eq!(server.stats().rate_limited, 2);
}

#[test]
fn a_body_names_the_servers_own_hosts() {
    let server = start(
        Script::new()
            .hosts(2)
            .route("/links", Route::ok().body("http://{host:0}/a\nhttp://{host:1}/b\n{host:7}")),
    );
    let (status, body) = get(&agent(), &server.url("/links"));
    assert_eq!(status, 200);
    let want = format!("{}\n{}\n{{host:7}}", server.url("/a"), server.url_on(1, "/b"));
    assert_eq!(body, want);
    assert_eq!(kata_fakes::fill_hosts("no hosts here", &["x".into()]), "no hosts here");
}
