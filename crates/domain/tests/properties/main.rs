//! Property tests of the hand-written JSON reader and writer and of the wire format, with
//! serde_json as the oracle: generated documents in every JSON form, mutated into broken ones,
//! and generated batches, valid and hostile. Case counts are set per block so that the whole
//! binary stays within a few seconds; `PROPTEST_CASES` raises them for a deeper run.

mod batch;
mod json;
mod redact;
mod strategy;
