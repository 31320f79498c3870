//! What a buyer does on Antom's side: enter a card on a session, answer a 3-D Secure challenge.
//! One implementation for the hosted pages (`browser`) and the control API (`control`), so a
//! test that skips the browser exercises the same rules.

use antom_client::codes;
use chrono::{DateTime, Datelike, Utc};

use crate::cards::{check_cvv, CardError, Expiry, Pan};
use crate::lifecycle::{payment, vaulting, ThreeDs, Tx};
use crate::state::{BuyerSession, PendingCard, Stage, UsedCard, VaultStage};

/// Card fields as the buyer typed them.
#[derive(Clone, Copy)]
pub struct CardEntry<'a> {
    pub number: &'a str,
    /// `MM/YY`; a card without one (control API) is valid for years.
    pub expiry: Option<&'a str>,
    pub cvv: Option<&'a str>,
}

impl std::fmt::Debug for CardEntry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardEntry(redacted)")
    }
}

/// Why the buyer cannot act on this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BuyerError {
    #[error("there is no such session")]
    NotFound,
    #[error("the session has expired; the merchant must create a new one")]
    Expired,
    #[error("the order was closed because it was not paid in time")]
    Closed,
    #[error("the merchant cancelled this payment")]
    Cancelled,
    #[error("this session has already been completed")]
    Completed,
    #[error("no 3-D Secure challenge is waiting for an answer")]
    NoChallenge,
}

impl BuyerError {
    pub fn code(self) -> &'static str {
        match self {
            BuyerError::NotFound => codes::SESSION_NOT_FOUND,
            BuyerError::Expired => codes::SESSION_EXPIRED,
            BuyerError::Closed => codes::ORDER_IS_CLOSED,
            BuyerError::Cancelled => codes::ORDER_IS_CANCELED,
            BuyerError::Completed => codes::ORDER_STATUS_INVALID,
            BuyerError::NoChallenge => "NO_CHALLENGE",
        }
    }
}

/// The card the buyer entered, checked as the hosted form would. `Err` leaves the session
/// open for another try.
fn read_card(entry: CardEntry<'_>, now: DateTime<Utc>) -> Result<(Pan, Expiry), CardError> {
    let pan = Pan::parse(entry.number)?;
    let expiry = match entry.expiry {
        Some(text) => Expiry::parse_mm_yy(text)?,
        None => Expiry::from_parts("12", &(now.year() + 5).to_string())?,
    };
    if expiry.is_past(now) {
        return Err(CardError::Expired);
    }
    check_cvv(entry.cvv)?;
    Ok((pan, expiry))
}

fn check_session(session: Option<&BuyerSession>, now: DateTime<Utc>) -> Result<(), BuyerError> {
    match session {
        Some(s) if s.expires_at > now => Ok(()),
        Some(_) => Err(BuyerError::Expired),
        None => Err(BuyerError::NotFound),
    }
}

/// Why a payment no longer takes a card.
fn payment_closed_reason(stage: &Stage) -> BuyerError {
    match stage {
        Stage::Failed { code, .. } if code == codes::ORDER_IS_CLOSED => BuyerError::Closed,
        Stage::Cancelled { .. } => BuyerError::Cancelled,
        _ => BuyerError::Completed,
    }
}

/// The buyer submits a card for payment `payment_id`. `Ok(Some(e))`: the card was refused as
/// input (bad number, expired), nothing changed. A payment awaiting its challenge takes the
/// challenge answer instead (control API), the card is then ignored.
pub fn pay(
    tx: &mut Tx<'_>,
    payment_id: &str,
    entry: CardEntry<'_>,
    three_ds: ThreeDs,
) -> Result<Option<CardError>, BuyerError> {
    let payment = tx.st.payments().get(payment_id).ok_or(BuyerError::NotFound)?;
    let (stage, session) = (payment.stage.clone(), payment.session.clone());
    match &stage {
        Stage::AwaitingCard => {}
        Stage::AwaitingChallenge if three_ds != ThreeDs::Interactive => {
            return answer_payment_challenge(tx, payment_id, three_ds == ThreeDs::Pass).map(|()| None)
        }
        stage => return Err(payment_closed_reason(stage)),
    }
    check_session(session.as_ref(), tx.now)?;
    let (pan, expiry) = match read_card(entry, tx.now) {
        Ok(card) => card,
        Err(e) => return Ok(Some(e)),
    };
    tracing::info!(payment_id, card = %format!("****{}", pan.last_four()), "buyer submitted a card");
    let card = UsedCard {
        profile: pan.profile(),
        expiry,
        token: None,
    };
    payment::present_card(tx, payment_id, card, three_ds);
    Ok(None)
}

/// The buyer pays payment `payment_id` with a card the merchant saved for them: the `index`-th
/// of the session's `savedPaymentMethods`, which the Payment Element lists. The card behaves
/// as its number did when it was vaulted (3-D Secure included, always interactive here), and
/// the payment records its token. `cvv` is what the buyer typed when the merchant asked for it
/// (`merchantAppointParam.storedCard.needCVV`); checked when present. `Ok(Some(e))`: refused as
/// input (no such saved card, bad CVV, the card expired), the session stays open for another
/// card.
pub fn pay_saved(
    tx: &mut Tx<'_>,
    payment_id: &str,
    index: usize,
    cvv: Option<&str>,
) -> Result<Option<CardError>, BuyerError> {
    let payment = tx.st.payments().get(payment_id).ok_or(BuyerError::NotFound)?;
    if payment.stage != Stage::AwaitingCard {
        return Err(payment_closed_reason(&payment.stage));
    }
    check_session(payment.session.as_ref(), tx.now)?;
    let Some(token) = payment.offered_cards().get(index).cloned() else {
        return Ok(Some(CardError::NotSaved));
    };
    if let Err(e) = check_cvv(cvv) {
        return Ok(Some(e));
    }
    let Some(card) = tx.st.cards.get(&token).cloned() else {
        return Ok(Some(CardError::NotSaved));
    };
    if card.expiry.is_past(tx.now) {
        return Ok(Some(CardError::Expired));
    }
    tracing::info!(payment_id, card = %format!("****{}", card.profile.last_four), "buyer paid with a saved card");
    let used = UsedCard {
        profile: card.profile,
        expiry: card.expiry,
        token: Some(card.token),
    };
    payment::present_card(tx, payment_id, used, ThreeDs::Interactive);
    Ok(None)
}

/// The buyer passes or fails the open challenge of payment `payment_id`.
pub fn answer_payment_challenge(tx: &mut Tx<'_>, payment_id: &str, pass: bool) -> Result<(), BuyerError> {
    let payment = tx.st.payments().get(payment_id).ok_or(BuyerError::NotFound)?;
    match &payment.stage {
        Stage::AwaitingChallenge => {}
        Stage::AwaitingCard => return Err(BuyerError::NoChallenge),
        stage => return Err(payment_closed_reason(stage)),
    }
    let answer = if pass { ThreeDs::Pass } else { ThreeDs::Fail };
    payment::answer_challenge(tx, payment_id, answer);
    Ok(())
}

/// The buyer binds a card to vaulting `request_id`. As [`pay`] for errors and challenges.
pub fn bind(
    tx: &mut Tx<'_>,
    request_id: &str,
    entry: CardEntry<'_>,
    three_ds: ThreeDs,
) -> Result<Option<CardError>, BuyerError> {
    let record = tx.st.vaultings().get(request_id).ok_or(BuyerError::NotFound)?;
    let (stage, session) = (record.stage.clone(), record.session.clone());
    match &stage {
        VaultStage::AwaitingCard => {}
        VaultStage::AwaitingChallenge { .. } if three_ds != ThreeDs::Interactive => {
            return answer_vaulting_challenge(tx, request_id, three_ds == ThreeDs::Pass).map(|()| None)
        }
        VaultStage::Failed { code, .. } if code == codes::ORDER_IS_CLOSED => return Err(BuyerError::Expired),
        _ => return Err(BuyerError::Completed),
    }
    check_session(session.as_ref(), tx.now)?;
    let (pan, expiry) = match read_card(entry, tx.now) {
        Ok(card) => card,
        Err(e) => return Ok(Some(e)),
    };
    tracing::info!(request_id, card = %format!("****{}", pan.last_four()), "buyer bound a card");
    let card = PendingCard {
        profile: pan.profile(),
        expiry,
    };
    vaulting::present_card(tx, request_id, card, three_ds, false);
    Ok(None)
}

/// The buyer passes or fails the open challenge of vaulting `request_id`.
pub fn answer_vaulting_challenge(tx: &mut Tx<'_>, request_id: &str, pass: bool) -> Result<(), BuyerError> {
    let record = tx.st.vaultings().get(request_id).ok_or(BuyerError::NotFound)?;
    match &record.stage {
        VaultStage::AwaitingChallenge { .. } => {}
        VaultStage::AwaitingCard => return Err(BuyerError::NoChallenge),
        VaultStage::Failed { code, .. } if code == codes::ORDER_IS_CLOSED => return Err(BuyerError::Expired),
        _ => return Err(BuyerError::Completed),
    }
    vaulting::answer_challenge(tx, request_id, pass);
    Ok(())
}
