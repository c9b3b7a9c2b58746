//! The only code that touches the browser: the live instance, the widget and the transport.

pub mod instance;
pub mod transport;
pub mod widget;
