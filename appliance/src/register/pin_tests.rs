//! The PIN lock-out: five wrong PINs in a row lock the pad for 30 s, each lock-out after that
//! doubles until the cap, across restarts, and a right PIN starts the count again.

use super::counter::PIN_LOCK_MAX_MS;
use super::{PIN_LOCK_MS, PIN_TRIES, Register, RegisterError};
use crate::model::Role;
use crate::store::kv;

/// Five wrong PINs for `name`: the tries left as the first four are refused, then the lock-out's
/// seconds; checks that even the right PIN is refused while it lasts, then lets it lapse (as if
/// its time had passed: the test does not wait minutes).
fn lock_out(r: &mut Register, name: &str, right: &str) -> u64 {
    for i in 1..PIN_TRIES {
        let refused = r.check_pin(name, "0000");
        assert!(matches!(refused, Err(RegisterError::WrongPin(left)) if left == PIN_TRIES - i), "{refused:?}");
    }
    let Err(RegisterError::PinLocked(secs)) = r.check_pin(name, "0000") else { panic!("not locked") };
    let until = r.store().get(kv::PIN_LOCKED_UNTIL).expect("test").expect("test");
    let left_ms = until.saturating_sub(super::unix_ms());
    assert!(left_ms <= secs * 1000 && left_ms + 5_000 > secs * 1000, "locked {left_ms} ms for {secs} s");
    assert!(matches!(r.check_pin(name, right), Err(RegisterError::PinLocked(_))), "the right PIN waits too");
    let shown = r.pin_locked_secs().expect("test");
    assert!(shown.is_some_and(|s| s <= secs && s + 5 > secs), "the pad shows {shown:?} s of {secs}");
    r.store_mut().set(kv::PIN_LOCKED_UNTIL, &0).expect("test");
    secs
}

#[test]
fn each_lock_out_doubles_from_30_s_up_to_the_cap_across_restarts_until_a_right_pin() {
    let dir = tempfile::tempdir().expect("test");
    let mut r = Register::open(dir.path()).expect("test");
    r.add_user("bo", Role::Cashier, "1357").expect("test");
    assert_eq!((PIN_LOCK_MS, PIN_LOCK_MAX_MS), (30_000, 480_000), "30 s, capped at 8 minutes");
    let mut seen: Vec<u64> = (0..3).map(|_| lock_out(&mut r, "bo", "1357")).collect();
    // The count of lock-outs is stored: a restart goes on doubling.
    drop(r);
    let mut r = Register::open(dir.path()).expect("test");
    seen.extend((0..4).map(|_| lock_out(&mut r, "bo", "1357")));
    assert_eq!(seen, [30, 60, 120, 240, 480, 480, 480]);
    // A right PIN resets both counts: the next five wrong ones lock for 30 s again.
    assert_eq!(r.check_pin("bo", "1357").ok(), Some(Role::Cashier));
    assert_eq!(lock_out(&mut r, "bo", "1357"), 30);
}
