//! The persisted queue's key layout, in one place: the shell lists, reads and writes keys,
//! but never builds or splits one.
//!
//! Per site, `cxkit:<site>:<stream>:<first>:<end>` holds a chunk (events `first … end − 1` of
//! a page load's stream), `cxkit:<site>:<stream>` that stream's lease, and `cxkit:<site>:wait`
//! the wait the collector asked for, `cxkit:<site>:session` the tracker's session,
//! `cxkit:<site>:visitor` the visitor id and `cxkit:<site>:scores` the tallies of this browser's
//! survey answers (`score::answers`), `cxkit:<site>:surveys` what the visitor did with each survey
//! (`survey::target::Book`). A chunk's key names its stream and seq range, so removal
//! and counting need no value read.

use crate::json::{parse_integer, write_integer};
use alloc::string::String;

/// The last part of the site's wait key: no stream id is four characters long.
const WAIT: &str = "wait";
/// The last part of the Web Lock name adoption runs under.
const ADOPT: &str = "adopt";
/// The last part of the session's key (the tracker's state, shared by the site's tabs).
const SESSION: &str = "session";
/// The last part of the visitor id's key.
const VISITOR: &str = "visitor";
/// The last part of the key of this browser's answer tallies.
const SCORES: &str = "scores";
/// The last part of the key of what this visitor did with each survey.
const SURVEYS: &str = "surveys";

/// A chunk's key, split: events `first … end − 1` of `stream`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkKey<'a> {
    /// The page load's stream id.
    pub stream: &'a str,
    /// The first sequence number.
    pub first: u64,
    /// One past the last.
    pub end: u64,
}

/// The keys of one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// `cxkit:<site>:`
    prefix: String,
}

impl Layout {
    /// The layout of site `site`.
    pub fn new(site: &str) -> Layout {
        let mut prefix = String::from("cxkit:");
        prefix.push_str(site);
        prefix.push(':');
        Layout { prefix }
    }

    /// What every key of the site starts with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn key(&self, last: &str) -> String {
        let mut key = self.prefix.clone();
        key.push_str(last);
        key
    }

    /// The key of a chunk.
    pub fn chunk(&self, stream: &str, first: u64, end: u64) -> String {
        let mut key = self.key(stream);
        for n in [first, end] {
            key.push(':');
            write_integer(n as i64, &mut key);
        }
        key
    }

    /// The key of a stream's lease.
    pub fn lease(&self, stream: &str) -> String {
        self.key(stream)
    }

    /// The key of the site's wait.
    pub fn wait(&self) -> String {
        self.key(WAIT)
    }

    /// The name of the Web Lock adoption runs under.
    pub fn adopt_lock(&self) -> String {
        self.key(ADOPT)
    }

    /// The key of the session the site's tabs share (docs/tracker.md, "Sessions").
    pub fn session(&self) -> String {
        self.key(SESSION)
    }

    /// The key of the visitor id, kept only where consent allows.
    pub fn visitor(&self) -> String {
        self.key(VISITOR)
    }

    /// The key of this browser's answer tallies (`score::answers::Answers`), kept only where
    /// consent allows.
    pub fn scores(&self) -> String {
        self.key(SCORES)
    }

    /// The key of what this visitor did with each survey (`survey::target::Book`): the caps
    /// every tab of the site reads, kept only where consent allows.
    pub fn surveys(&self) -> String {
        self.key(SURVEYS)
    }

    /// Splits the key of a chunk of this site; `None` for any other key (a lease, the wait,
    /// another site's, one cxkit never writes).
    pub fn chunk_of<'a>(&self, key: &'a str) -> Option<ChunkKey<'a>> {
        let mut parts = crate::scan::split(key.strip_prefix(self.prefix.as_str())?, b':');
        let (stream, first, end) = (parts.next()?, seq(parts.next()?)?, seq(parts.next()?)?);
        (parts.next().is_none() && first <= end).then_some(ChunkKey { stream, first, end })
    }
}

fn seq(text: &str) -> Option<u64> {
    parse_integer(text).and_then(|n| u64::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_stream_and_range_and_split_back() {
        let layout = Layout::new("shop");
        assert_eq!(layout.chunk("S", 0, 500), "cxkit:shop:S:0:500");
        assert_eq!(layout.lease("S"), "cxkit:shop:S");
        assert_eq!(layout.wait(), "cxkit:shop:wait");
        assert_eq!(layout.adopt_lock(), "cxkit:shop:adopt");
        assert_eq!(layout.session(), "cxkit:shop:session");
        assert_eq!(layout.visitor(), "cxkit:shop:visitor");
        assert_eq!(layout.scores(), "cxkit:shop:scores");
        assert_eq!(layout.chunk_of("cxkit:shop:scores"), None);
        assert_eq!(layout.chunk_of("cxkit:shop:session"), None);
        assert_eq!(layout.chunk_of("cxkit:shop:S:0:500"), Some(ChunkKey { stream: "S", first: 0, end: 500 }));
    }

    #[test]
    fn keys_of_other_sites_and_broken_keys_are_not_ours() {
        let layout = Layout::new("shop");
        for key in [
            "cxkit:shopping:S",
            "other",
            "cxkit:shop:S:1",
            "cxkit:shop:S:x:2",
            "cxkit:shop:S:3:2",
            "cxkit:shop:S:-1:2",
            "cxkit:shop:S:0:1:2",
        ] {
            assert_eq!(layout.chunk_of(key), None, "{key}");
        }
    }
}
