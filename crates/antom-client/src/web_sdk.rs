//! What a checkout page running Antom's real Web SDK (`@alipay/ams-checkout` 1.47.2) reaches,
//! for its Content-Security-Policy. Read in the package's code: `esm/config/index.js` and
//! `config/request.js` (gateways by `hostSign`, remote config), `element/util.js` and
//! `ckp/index.js` (the Element and Checkout Page iframes), the v1 cashier component's iframe,
//! the risk client and asset hosts. Production and sandbox use the same hosts.

/// Iframes: the Element and Checkout Page app, and the v1 cashier component
/// (`AMSCashierPayment`, `AMSVaulting`).
pub const FRAME_ORIGINS: [&str; 2] = ["https://checkout.antom.com", "https://ac.alipay.com"];

/// XHR/fetch: the SDK gateway per `hostSign` (SG, US, DE), its remote configuration, and the
/// risk client.
pub const CONNECT_ORIGINS: [&str; 7] = [
    "https://imgs-sea-global.alipay.com",
    "https://imgs-na-global.alipay.com",
    "https://imgs-de-global.alipay.com",
    "https://config.marmot-cloud.com",
    "https://open-sea-global.alipay.com",
    "https://open-na-global.alipay.com",
    "https://open-de-global.alipay.com",
];

/// Scripts and images the SDK loads besides itself.
pub const ASSET_ORIGINS: [&str; 2] = ["https://cdn.marmot-cloud.com", "https://mdn.alipayobjects.com"];
