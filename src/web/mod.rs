//! The only code that touches the browser: the live instance and the survey widget.
//! Network, timers for sending and page-lifecycle listening live in the JS shell
//! (`npm/src/delivery.ts`), which asks the instance what to send.

pub mod instance;
pub mod widget;
