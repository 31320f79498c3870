//! Antom's field limits that callers must respect before sending (antom-protocol.md §2: ids
//! are `String(64)`, reasons and descriptions `String(256)`, URLs `String(2048)`).

/// Every id: paymentRequestId, captureRequestId, refundRequestId, vaultingRequestId, paymentId,
/// referenceOrderId, referenceGoodsId, referenceBuyerId.
pub const MAX_ID: usize = 64;
/// `refundReason`, `orderDescription`, `goodsName`.
pub const MAX_TEXT: usize = 256;
/// `paymentRedirectUrl`, `paymentNotifyUrl`, `redirectUrl`, `vaultingNotificationUrl`.
pub const MAX_URL: usize = 2048;
/// `order.goods` entries.
pub const MAX_GOODS: usize = 100;
/// `buyer.buyerEmail`.
pub const MAX_EMAIL: usize = 64;
/// `buyerName.firstName` / `lastName`.
pub const MAX_NAME: usize = 32;
