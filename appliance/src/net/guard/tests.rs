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
