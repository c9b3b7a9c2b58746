//! Net Promoter Score: promoters 9–10, passives 7–8, detractors 0–6;
//! NPS = % promoters − % detractors, from −100 to 100 (design.md, "Scoring").

use super::Tenths;

/// The group an NPS answer falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsBucket {
    /// 0–6.
    Detractor,
    /// 7–8.
    Passive,
    /// 9–10.
    Promoter,
}

impl NpsBucket {
    /// The bucket of a 0–10 answer; `None` off the scale.
    pub fn of(score: u8) -> Option<NpsBucket> {
        match score {
            0..=6 => Some(NpsBucket::Detractor),
            7..=8 => Some(NpsBucket::Passive),
            9..=10 => Some(NpsBucket::Promoter),
            _ => None,
        }
    }

    /// The name, as on the wire.
    pub fn id(self) -> &'static str {
        match self {
            NpsBucket::Detractor => "detractor",
            NpsBucket::Passive => "passive",
            NpsBucket::Promoter => "promoter",
        }
    }
}

/// Counts of NPS answers by bucket. Dismissed surveys are not answers and never reach it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NpsTally {
    /// Answers 9–10.
    pub promoters: u64,
    /// Answers 7–8.
    pub passives: u64,
    /// Answers 0–6.
    pub detractors: u64,
}

impl NpsTally {
    /// Tallies 0–10 answers, ignoring any off the scale.
    pub fn from_scores(scores: impl IntoIterator<Item = u8>) -> NpsTally {
        let mut tally = NpsTally::default();
        for bucket in scores.into_iter().filter_map(NpsBucket::of) {
            tally.add(bucket);
        }
        tally
    }

    /// Counts one answer.
    pub fn add(&mut self, bucket: NpsBucket) {
        match bucket {
            NpsBucket::Detractor => self.detractors += 1,
            NpsBucket::Passive => self.passives += 1,
            NpsBucket::Promoter => self.promoters += 1,
        }
    }

    /// The number of answers.
    pub fn responses(&self) -> u64 {
        self.promoters + self.passives + self.detractors
    }

    /// % promoters − % detractors, in tenths; `None` without answers.
    pub fn score(&self) -> Option<Tenths> {
        let net = self.promoters as i64 - self.detractors as i64;
        Tenths::ratio(net * 100, self.responses() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nps(scores: &[u8]) -> Option<Tenths> {
        NpsTally::from_scores(scores.iter().copied()).score()
    }

    #[test]
    fn buckets_follow_the_published_bands() {
        let expected = [0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2];
        for (score, band) in expected.iter().enumerate() {
            let bucket = NpsBucket::of(score as u8).unwrap();
            let want = [NpsBucket::Detractor, NpsBucket::Passive, NpsBucket::Promoter][*band];
            assert_eq!(bucket, want, "score {score}");
        }
        assert_eq!(NpsBucket::of(11), None);
    }

    #[test]
    fn test_vectors() {
        assert_eq!(nps(&[]), None, "no answers, no score");
        assert_eq!(nps(&[9]), Some(Tenths(1000)));
        assert_eq!(nps(&[0]), Some(Tenths(-1000)));
        assert_eq!(nps(&[7, 8]), Some(Tenths(0)));
        assert_eq!(nps(&[10, 9, 7, 3]), Some(Tenths(250)), "the e2e vector");
        assert_eq!(nps(&[10, 6, 8]), Some(Tenths(0)));
        assert_eq!(nps(&[10, 10, 5]), Some(Tenths(333)));
        assert_eq!(nps(&[10, 4, 4]), Some(Tenths(-333)));
        assert_eq!(nps(&[9, 9, 9, 9, 9, 9, 0]), Some(Tenths(714)), "85.71 − 14.29 = 71.43");
        assert_eq!(nps(&[9, 11, 12]), Some(Tenths(1000)), "off-scale answers are ignored");
    }
}
