//! inquiryRefund: one refund by `refundId` (preferred) or `refundRequestId`.

use antom_client::codes;
use antom_client::model::{InquiryRefundRequest, InquiryRefundResponse};
use antom_client::ResultInfo;

use super::operation::{Checks, Operation, Shape};
use crate::lifecycle::Tx;
use crate::validation::{self as v, Checked, Invalid};
use crate::views::{self, time};

impl Operation for InquiryRefundRequest {
    fn validate(&self, _checks: &Checks<'_>) -> Checked {
        if self.refund_id.is_none() && self.refund_request_id.is_none() {
            return Err(Invalid::param(
                "refundId",
                "refundId or refundRequestId is required",
            ));
        }
        v::optional_id("refundId", self.refund_id.as_deref())?;
        v::optional_id("refundRequestId", self.refund_request_id.as_deref())
    }

    fn handle(self, tx: &mut Tx<'_>, _shape: Shape) -> InquiryRefundResponse {
        let Some(refund) = tx
            .st
            .find_refund(self.refund_id.as_deref(), self.refund_request_id.as_deref())
        else {
            return InquiryRefundResponse::new(ResultInfo::failed(
                codes::ORDER_NOT_EXIST,
                "The refund does not exist.",
            ));
        };
        InquiryRefundResponse {
            refund_id: Some(refund.id.clone()),
            refund_request_id: Some(refund.request_id.clone()),
            refund_amount: Some(refund.amount.clone()),
            refund_status: Some(views::refund_status(refund)),
            refund_time: refund
                .status
                .settled_at()
                .filter(|_| refund.status.is_success())
                .map(time),
            arn: refund
                .status
                .is_success()
                .then(|| refund.acquirer_reference_no.clone()),
            ..InquiryRefundResponse::new(ResultInfo::success())
        }
    }
}
