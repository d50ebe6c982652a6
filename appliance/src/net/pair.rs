//! Pairing a new register by a short code instead of the long secret (docs/SECURITY.md,
//! "Pairing by code").
//!
//! The server shows an 8-digit code, valid for 10 minutes and for [`ATTEMPTS`] tries. The new
//! register and the server run SPAKE2 (a password-authenticated key exchange, RustCrypto's
//! `spake2`) on the code: each side ends with the same key only if both used the same code, and
//! neither a recording of the exchange nor a rogue server playing along yields anything to test
//! other codes with offline: every wrong code is one online guess, and the server counts them.
//! With that key the server seals the store's id and secret for the new register, which then
//! joins as if an admin had typed the secret (its first hello enrolls its own key).

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use spake2::{Ed25519Group, Identity, Password, Spake2};

use super::client::ClientError;
use super::random_bytes;
use crate::model::RegisterId;
use crate::store::kv::Pairing;
use crate::sync::protocol::{PAIR_PATH, PairGrant, PairRequest, PairResponse};

/// Digits of a pairing code.
pub const CODE_DIGITS: usize = 8;
/// How long a code is valid.
pub const VALID_MS: u64 = 10 * 60_000;
/// Bytes of a SPAKE2 message on Ed25519: a side byte and a compressed point.
pub const MESSAGE_BYTES: usize = 33;
/// Tries a code allows, right or wrong: the odds of guessing one are 5 in 100,000,000.
pub const ATTEMPTS: u32 = 5;

const ID_NEW: &[u8] = b"till-pair-new-register";
const ID_SERVER: &[u8] = b"till-pair-server";

/// Why pairing did not work.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PairError {
    /// Not 8 digits.
    #[error("a pairing code is {CODE_DIGITS} digits (a dash or space between the halves is fine)")]
    BadCode,
    /// No code on offer at the server, or it expired or was used up.
    #[error("the server has no valid pairing code: show a new one on the server (till peers pair)")]
    NoCode,
    /// The codes differ (or the answer was tampered with).
    #[error("the code does not match the one the server shows (each wrong code uses up one of its {ATTEMPTS} tries)")]
    Mismatch,
    /// The exchange itself failed.
    #[error("pairing failed: {0}")]
    Exchange(String),
}

/// The digits of a code as typed (`4815 1623`, `4815-1623`).
pub fn normalize(code: &str) -> Result<String, PairError> {
    let digits: String = code.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(PairError::BadCode)
    }
}

/// A new random code, valid from `now_ms`.
pub fn new_code(now_ms: u64) -> Result<Pairing, PairError> {
    // Uniform digits: bytes above the largest multiple of 10 are drawn again.
    let mut code = String::with_capacity(CODE_DIGITS);
    while code.len() < CODE_DIGITS {
        let [b] = random_bytes::<1>().map_err(|e| PairError::Exchange(e.to_string()))?;
        if b < 250 {
            code.push(char::from(b'0' + b % 10));
        }
    }
    Ok(Pairing { code, until_ms: now_ms.saturating_add(VALID_MS), attempts_left: ATTEMPTS })
}

/// Offers a new code on this (server) register: stored for the server to answer with, and
/// enrollment opened while it is valid (unless it is already open for longer, or always).
pub fn offer(store: &mut crate::store::Store, now_ms: u64) -> Result<Pairing, PairOfferError> {
    use crate::store::kv;
    let pairing = new_code(now_ms)?;
    let until = pairing.until_ms;
    store.write(|tx| {
        tx.set(kv::PAIRING, &pairing)?;
        match tx.get(kv::ENROLL_UNTIL)? {
            Some(u) if u < until => tx.set(kv::ENROLL_UNTIL, &until),
            _ => Ok(()),
        }
    })?;
    log::info!("pairing code offered until {until}");
    Ok(pairing)
}

/// Why a code could not be offered.
#[derive(Debug, thiserror::Error)]
pub enum PairOfferError {
    /// No randomness.
    #[error(transparent)]
    Code(#[from] PairError),
    /// The database refused.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// A code as people read it: `4815 1623`.
pub fn display(code: &str) -> String {
    let (a, b) = code.split_at(code.len() / 2);
    format!("{a} {b}")
}

fn cipher(key: &[u8]) -> Result<XChaCha20Poly1305, PairError> {
    XChaCha20Poly1305::new_from_slice(key.get(..32).ok_or_else(|| PairError::Exchange("short key".into()))?)
        .map_err(|e| PairError::Exchange(e.to_string()))
}

fn bound(register: RegisterId) -> Vec<u8> {
    let mut ad = b"till-pair-grant".to_vec();
    ad.extend_from_slice(&register.0);
    ad
}

/// The new register's side, first half: its message, and the state to finish with.
pub fn start(code: &str, register: RegisterId, name: &str) -> Result<(Spake2<Ed25519Group>, PairRequest), PairError> {
    let code = normalize(code)?;
    let (state, msg) = Spake2::<Ed25519Group>::start_a(
        &Password::new(code.as_bytes()),
        &Identity::new(ID_NEW),
        &Identity::new(ID_SERVER),
    );
    Ok((state, PairRequest { register_id: register, register_name: name.to_string(), spake: msg }))
}

/// The new register's side, second half: the grant, if the codes matched.
pub fn finish(state: Spake2<Ed25519Group>, register: RegisterId, resp: &PairResponse) -> Result<PairGrant, PairError> {
    let key = state.finish(&resp.spake).map_err(|e| PairError::Exchange(format!("{e:?}")))?;
    let plain = cipher(&key)?
        .decrypt(&XNonce::from(resp.nonce), chacha20poly1305::aead::Payload { msg: &resp.grant, aad: &bound(register) })
        .map_err(|_| PairError::Mismatch)?;
    postcard::from_bytes(&plain).map_err(|e| PairError::Exchange(e.to_string()))
}

/// The server's side: answers a new register's message with its own and the grant sealed with
/// the key of the code it shows. Whether the register used the same code, the server cannot
/// tell (that is the point): every call spends one of the code's tries.
pub fn answer(code: &str, req: &PairRequest, grant: &PairGrant) -> Result<PairResponse, PairError> {
    let (state, msg) = Spake2::<Ed25519Group>::start_b(
        &Password::new(code.as_bytes()),
        &Identity::new(ID_NEW),
        &Identity::new(ID_SERVER),
    );
    let key = state.finish(&req.spake).map_err(|e| PairError::Exchange(format!("{e:?}")))?;
    let nonce: [u8; 24] = random_bytes().map_err(|e| PairError::Exchange(e.to_string()))?;
    let plain = postcard::to_allocvec(grant).map_err(|e| PairError::Exchange(e.to_string()))?;
    let sealed = cipher(&key)?
        .encrypt(&XNonce::from(nonce), chacha20poly1305::aead::Payload { msg: &plain, aad: &bound(req.register_id) })
        .map_err(|e| PairError::Exchange(e.to_string()))?;
    Ok(PairResponse { spake: msg, nonce, grant: sealed })
}

/// The new register's whole exchange with the server at `addr`: the store's id and secret if
/// the code is the one the server shows.
pub async fn request(addr: &str, code: &str, register: RegisterId, name: &str) -> Result<PairGrant, ClientError> {
    use super::client::{CALL_TIMEOUT, http_client, read_limited, resolve, unreachable, with_timeout};
    let refused = |e: PairError| ClientError::Refused(403, e.to_string());
    let (state, req) = start(code, register, name).map_err(refused)?;
    let addr = resolve(addr).await?;
    let http = http_client()?;
    let body = postcard::to_allocvec(&req).map_err(|e| ClientError::Protocol(e.to_string()))?;
    let (status, bytes) = with_timeout(&addr, CALL_TIMEOUT * 3, async {
        let mut res = http
            .post(format!("http://{addr}{PAIR_PATH}"))
            .content_type("application/octet-stream")
            .body(surf::Body::from_bytes(body))
            .send()
            .await
            .map_err(|e| unreachable(&addr, e))?;
        let status = u16::from(res.status());
        Ok((status, read_limited(&mut res).await.map_err(|e| unreachable(&addr, e))?))
    })
    .await?;
    match status {
        200 => {}
        403 => return Err(ClientError::Revoked(addr, PairError::NoCode.to_string())),
        429 | 503 => {
            return Err(ClientError::Overloaded(addr, crate::model::quote(String::from_utf8_lossy(&bytes).trim())));
        }
        404 => return Err(ClientError::NotTill(addr, "it does not pair registers (an older Till?)".into())),
        // Refused quotes its reason when shown.
        s => return Err(ClientError::Refused(s, String::from_utf8_lossy(&bytes).trim().chars().take(241).collect())),
    }
    let resp: PairResponse = postcard::from_bytes(&bytes).map_err(|e| ClientError::Protocol(e.to_string()))?;
    finish(state, register, &resp).map_err(|e| match e {
        PairError::Mismatch => ClientError::WrongCode(addr.clone()),
        other => ClientError::Protocol(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> PairGrant {
        PairGrant { server_name: "S".into(), store_id: "ab".repeat(16), secret: "A-STRONG-SECRET".into() }
    }

    #[test]
    fn the_same_code_pairs_and_another_does_not() {
        let me = RegisterId([4; 16]);
        let (state, req) = start("4815-1623", me, "R9").unwrap_or_else(|e| panic!("{e}"));
        let resp = answer("48151623", &req, &grant()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(finish(state, me, &resp), Ok(grant()));
        let (state, req) = start("48151624", me, "R9").unwrap_or_else(|e| panic!("{e}"));
        let resp = answer("48151623", &req, &grant()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(finish(state, me, &resp), Err(PairError::Mismatch), "a wrong code learns nothing");
        // The grant is bound to the register that asked.
        let (state, req) = start("48151623", me, "R9").unwrap_or_else(|e| panic!("{e}"));
        let resp = answer("48151623", &req, &grant()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(finish(state, RegisterId([5; 16]), &resp), Err(PairError::Mismatch));
    }

    #[test]
    fn messages_have_the_size_the_server_checks() {
        let (_, req) = start("48151623", RegisterId([4; 16]), "R9").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(req.spake.len(), MESSAGE_BYTES);
    }

    #[test]
    fn codes_are_eight_digits() {
        assert_eq!(normalize("4815 1623"), Ok("48151623".into()));
        for bad in ["4815162", "481516234", "4815162a", ""] {
            assert_eq!(normalize(bad), Err(PairError::BadCode), "{bad}");
        }
        let c = new_code(1_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(normalize(&c.code), Ok(c.code.clone()));
        assert_eq!((c.until_ms, c.attempts_left), (1_000 + VALID_MS, ATTEMPTS));
        assert_eq!(display("48151623"), "4815 1623");
    }
}
