//! The edge's rules, with the clock in the test's hands where it matters.

use super::*;

#[test]
fn heads_are_framed_and_counted_as_they_arrive() {
    assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nrest"), Some(27));
    assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
    assert_eq!(content_length(b"POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n"), Ok(Some(12)));
    assert_eq!(content_length(b"POST / HTTP/1.1\r\ncontent-length:3\r\n\r\n"), Ok(Some(3)));
    assert!(content_length(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").is_err());
    assert!(content_length(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").is_err());
    assert_eq!(content_length(b"GET / HTTP/1.1\r\n\r\n"), Ok(None));
}

#[test]
fn failures_cost_more_and_more() {
    assert_eq!(delay_for(1), Duration::ZERO);
    assert_eq!(delay_for(FREE_FAILURES), Duration::ZERO);
    assert_eq!(delay_for(FREE_FAILURES + 1), FIRST_DELAY);
    assert_eq!(delay_for(FREE_FAILURES + 2), FIRST_DELAY * 2);
    assert_eq!(delay_for(100), MAX_DELAY);
    let g = Guesses::default();
    let a: IpAddr = [10, 0, 0, 9].into();
    for _ in 0..=FREE_FAILURES {
        let attempt = g.admit(a).expect("test");
        g.failed(a);
        drop(attempt);
    }
    let first = g.admit(a).expect("one attempt in flight");
    assert!(g.admit(a).is_none(), "a second waits");
    first.succeeded();
    assert!(g.admit(a).is_some(), "a success clears the record");
    assert_eq!(g.held(), 0);
}

#[test]
fn an_attempt_gives_back_its_flight_however_it_ends() {
    let g = Guesses::default();
    let a: IpAddr = [10, 0, 0, 10].into();
    for _ in 0..=FREE_FAILURES {
        g.failed(a);
    }
    // Dropped half-way, as when its connection is closed while the answer is held.
    let held = g.admit(a).expect("test");
    assert_eq!(g.held(), 1);
    assert!(g.admit(a).is_none(), "one at a time");
    drop(held);
    assert_eq!(g.held(), 0, "the store's place is given back");
    let again = g.admit(a).expect("the address may try again");
    // An attempt that held nothing releases nothing of another's.
    let b: IpAddr = [10, 0, 0, 11].into();
    drop(g.admit(b).expect("test"));
    assert_eq!(g.held(), 1);
    assert!(g.admit(a).is_none(), "still one at a time");
    drop(again);
}

#[test]
fn an_address_is_forgiven_one_failure_a_minute_however_often_it_is_looked_at() {
    let t0 = Instant::now();
    let mut r = Record { failures: 10, last: t0, in_flight: false };
    Guesses::decayed(&mut r, t0 + Duration::from_secs(30));
    assert_eq!(r.failures, 10, "no quiet minute yet");
    Guesses::decayed(&mut r, t0 + Duration::from_secs(90));
    assert_eq!(r.failures, 9, "one quiet minute");
    for s in [91, 100, 119] {
        Guesses::decayed(&mut r, t0 + Duration::from_secs(s));
        assert_eq!(r.failures, 9, "the same minute is not forgiven twice (at {s} s)");
    }
    Guesses::decayed(&mut r, t0 + Duration::from_secs(121));
    assert_eq!(r.failures, 8, "the second quiet minute");
    Guesses::decayed(&mut r, t0 + Duration::from_secs(121 + 600));
    assert_eq!(r.failures, 0, "ten more quiet minutes forgive the rest");
}

#[test]
fn many_addresses_pay_store_wide() {
    let g = Guesses::default();
    // A guesser with 40 addresses: each has its free failures, but the store does not.
    let mut held = Duration::ZERO;
    for host in 0..40u8 {
        let a: IpAddr = [10, 0, 1, host].into();
        for _ in 0..FREE_FAILURES {
            let attempt = g.admit(a).expect("test");
            held = g.failed(a);
            drop(attempt);
        }
    }
    assert!(held >= FIRST_DELAY * 4, "120 failures from 40 addresses are held like one guesser's: {held:?}");
    // And no more than STORE_MAX_HELD failing attempts are held at once.
    let addrs: Vec<IpAddr> = (0..=STORE_MAX_HELD as u8).map(|h| [10, 0, 2, h].into()).collect();
    for a in &addrs {
        for _ in 0..=FREE_FAILURES {
            g.failed(*a);
        }
    }
    let admitted: Vec<Attempt<'_>> = addrs.iter().filter_map(|a| g.admit(*a)).collect();
    assert_eq!(admitted.len(), STORE_MAX_HELD as usize);
    drop(admitted);
    assert_eq!(g.held(), 0);
}

/// A table with these limits, and a way to admit a connection from `addr` that stays open
/// until the table closes it (its task holds its slot); the connection's info when admitted.
fn table(limits: Limits) -> Arc<ConnTable> {
    ConnTable::new(limits, Arc::new(AttackLog::default()))
}

fn connect(t: &Arc<ConnTable>, addr: [u8; 4]) -> Result<Arc<ConnInfo>, Refusal> {
    let mut admitted = None;
    t.admit(IpAddr::from(addr), |info, slot| {
        admitted = Some(info);
        smol::spawn(async move {
            let _slot = slot;
            std::future::pending::<()>().await;
        })
    })?;
    admitted.ok_or(Refusal::Full)
}

/// The addresses of the connections open now, sorted.
fn open_from(t: &ConnTable) -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = lock(&t.conns).1.values().map(|e| e.info.addr).collect();
    v.sort();
    v
}

#[test]
fn an_address_holds_eight_connections_and_only_the_registers_own_is_exempt() {
    let t = table(Limits::default());
    for _ in 0..8 {
        connect(&t, [10, 0, 0, 1]).expect("test");
    }
    assert_eq!(connect(&t, [10, 0, 0, 1]).err(), Some(Refusal::PerAddress), "the ninth");
    assert_eq!(t.attacks.pending(Attack::TooManyConnections), Some(0), "reported");
    connect(&t, [10, 0, 0, 2]).expect("another address");
    for _ in 0..9 {
        connect(&t, [127, 0, 0, 1]).expect("the register itself is not capped");
    }
    for _ in 0..8 {
        connect(&t, [127, 0, 0, 2]).expect("test");
    }
    assert_eq!(connect(&t, [127, 0, 0, 2]).err(), Some(Refusal::PerAddress), "other loopback addresses are");
    assert_eq!(t.open(), 8 + 1 + 9 + 8);
    t.close_all();
}

#[test]
fn the_oldest_anonymous_connection_gives_way_and_a_trusted_one_never_does() {
    let limits = Limits { max_conns: 3, max_anonymous: 2, ..Limits::default() };
    let t = table(limits);
    let ip = |h: u8| IpAddr::from([10, 0, 0, h]);
    connect(&t, [10, 0, 0, 1]).expect("test").trust();
    connect(&t, [10, 0, 0, 2]).expect("test");
    connect(&t, [10, 0, 0, 3]).expect("test");
    // Both anonymous places taken: the oldest anonymous one (2) goes, not the older trusted one.
    let fourth = connect(&t, [10, 0, 0, 4]).expect("test");
    assert_eq!(open_from(&t), vec![ip(1), ip(3), ip(4)]);
    assert_eq!(t.attacks.pending(Attack::Evicted), Some(0), "reported");
    // The table is full (3) with one anonymous place taken: that one (3) makes room.
    fourth.trust();
    let fifth = connect(&t, [10, 0, 0, 5]).expect("test");
    assert_eq!(open_from(&t), vec![ip(1), ip(4), ip(5)]);
    // Full of trusted connections: a newcomer is refused and none of them is closed.
    fifth.trust();
    assert_eq!(connect(&t, [10, 0, 0, 6]).err(), Some(Refusal::Full));
    assert_eq!(open_from(&t), vec![ip(1), ip(4), ip(5)]);
    t.close_all();
}

/// The server's side of a loopback connection, guarded under `limits`, and the client's side.
fn guarded(limits: Limits) -> (Guarded, std::net::TcpStream) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("test");
    let client = std::net::TcpStream::connect(listener.local_addr().expect("test")).expect("test");
    let (server, _) = listener.accept().expect("test");
    let t = table(limits);
    let info =
        Arc::new(ConnInfo { addr: [10, 0, 0, 1].into(), trusted: AtomicBool::new(false), table: Arc::downgrade(&t) });
    (Guarded::new(TcpStream::try_from(server).expect("test"), t, info), client)
}

#[test]
fn a_request_must_arrive_within_a_deadline_that_grows_with_its_body() {
    let l = Limits::default();
    let head = |n: u64| format!("POST /api/sync/events HTTP/1.1\r\nContent-Length: {n}\r\n\r\n");
    let t0 = Instant::now();
    let (small, _c) = guarded(l.clone());
    small.feed(&mut lock(&small.frame), head(128 * 1024).as_bytes(), t0).expect("test");
    assert_eq!(small.hard_deadline(&lock(&small.frame)), Some(t0 + l.head_time + Duration::from_secs(2)));
    // 1 MiB: the head's 10 s and 16 s at the slowest rate (64 KiB/s).
    let (g, _c) = guarded(l.clone());
    let mut f = lock(&g.frame);
    let n = 1 << 20;
    g.feed(&mut f, head(n).as_bytes(), t0).expect("test");
    let whole = l.head_time + Duration::from_secs(n / l.body_rate);
    assert_eq!(g.hard_deadline(&f), Some(t0 + whole));
    // 20 KiB in every 5 s window: above the minimum rate (16 KiB), far below the deadline's.
    let chunk = vec![0u8; 20 * 1024];
    for k in 1..=5u32 {
        let end = t0 + l.window * k;
        g.feed(&mut f, &chunk, end - Duration::from_millis(1)).expect("test");
        assert!(g.expired(&mut f, end).is_none(), "window {k}: the rate is kept");
    }
    assert!(g.expired(&mut f, t0 + whole - Duration::from_millis(1)).is_none());
    let e = g.expired(&mut f, t0 + whole).expect("cut at the whole request's deadline");
    assert!(e.to_string().contains("body not complete in time"), "{e}");
    assert_eq!(g.table.attacks.pending(Attack::Deadline), Some(0), "reported");
    assert_eq!(g.table.attacks.pending(Attack::SlowBody), None, "not for its rate");
}

#[test]
fn a_connection_idle_between_requests_is_closed_quietly_and_a_silent_one_is_a_deadline() {
    let l = Limits::default();
    let (g, _c) = guarded(l.clone());
    let mut f = lock(&g.frame);
    let t0 = Instant::now();
    g.feed(&mut f, b"GET /api/discover HTTP/1.1\r\nHost: x\r\n\r\n", t0).expect("test");
    assert_eq!(g.hard_deadline(&f), Some(t0 + l.idle), "the watchdog closes it even if nobody reads");
    assert!(g.expired(&mut f, t0 + l.idle - Duration::from_millis(1)).is_none());
    let e = g.expired(&mut f, t0 + l.idle).expect("closed once idle");
    assert_eq!(e.kind(), io::ErrorKind::TimedOut);
    assert_eq!(g.table.attacks.pending(Attack::Deadline), None, "an idle keep-alive is no attack");
    // A connection that never sends a request has the head's time only, and is reported.
    let (g, _c) = guarded(l.clone());
    let mut f = lock(&g.frame);
    let Phase::Idle { since, first: true } = f.phase else { panic!("a new connection waits for its first request") };
    assert!(g.expired(&mut f, since + l.head_time - Duration::from_millis(1)).is_none());
    assert!(g.expired(&mut f, since + l.head_time).is_some());
    assert_eq!(g.table.attacks.pending(Attack::Deadline), Some(0));
}

#[test]
fn after_a_head_declaring_a_body_too_large_nothing_more_is_read() {
    use smol::io::AsyncReadExt;
    let l = Limits::default();
    let (mut g, mut client) = guarded(l.clone());
    let head = format!("POST /api/sync/events HTTP/1.1\r\nContent-Length: {}\r\n\r\n", l.max_body + 1);
    let sent = head.len();
    client.set_write_timeout(Some(Duration::from_secs(10))).expect("test");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = client.write_all(head.as_bytes());
        // Up to 4 MiB more, until the server closes.
        let chunk = vec![b'x'; 64 * 1024];
        for _ in 0..64 {
            if client.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let mut buf = [0u8; 8192];
    let (read, end) = smol::block_on(async {
        let mut read = 0;
        for _ in 0..1000 {
            match g.read(&mut buf).await {
                Ok(0) => return (read, None),
                Ok(n) => read += n,
                Err(e) => return (read, Some(e)),
            }
        }
        (read, None)
    });
    let end = end.expect("reading ends with an error");
    assert!(end.to_string().contains("too large"), "{end}");
    assert!(read <= sent + buf.len(), "read {read} bytes: the head and at most one read's worth after it");
    assert_eq!(g.table.attacks.pending(Attack::BodyTooLarge), Some(0), "reported");
    drop(g);
    writer.join().expect("test");
}
