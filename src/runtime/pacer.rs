//! Telegram's rate limits, kept by the sender: about 30 messages a second in all, 1 a second
//! per chat, 20 a minute per group; and, among the chats that may be sent to, the one served
//! longest ago goes first.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::db::outbox::Head;

/// Telegram's rate limits, in real (monotonic) time. Telegram counts arrivals and we can only
/// time departures, which the network and the claim's write shift by a few milliseconds: each
/// window is a little longer than Telegram's, so arrivals keep within its limits too.
#[derive(Debug, Default)]
pub struct Pacer {
    all: VecDeque<Instant>,
    chats: HashMap<i64, Instant>,
    groups: HashMap<i64, VecDeque<Instant>>,
}

impl Pacer {
    pub const PER_SECOND: usize = 30;
    /// The window of [`Pacer::PER_SECOND`]: 30 in 1.025 s is 29.3 a second.
    pub const SECOND: Duration = Duration::from_millis(1025);
    /// Between two messages to one chat (Telegram: one a second).
    pub const CHAT_GAP: Duration = Duration::from_millis(1050);
    pub const PER_GROUP_MINUTE: usize = 20;
    pub const MINUTE: Duration = Duration::from_secs(61);

    /// The earliest instant a message to `chat` may go.
    pub fn ready_at(&self, chat: i64, now: Instant) -> Instant {
        let mut at = now;
        if self.all.len() >= Self::PER_SECOND {
            at = at.max(self.all[self.all.len() - Self::PER_SECOND] + Self::SECOND);
        }
        if let Some(last) = self.chats.get(&chat) {
            at = at.max(*last + Self::CHAT_GAP);
        }
        if let Some(sent) = self
            .groups
            .get(&chat)
            .filter(|s| s.len() >= Self::PER_GROUP_MINUTE)
        {
            at = at.max(sent[sent.len() - Self::PER_GROUP_MINUTE] + Self::MINUTE);
        }
        at
    }

    /// Round robin: of the chats that may be sent to now, the one served longest ago (or
    /// never); else how long until one may.
    pub fn choose(&self, heads: &[Head], now: Instant) -> Result<Head, Duration> {
        heads
            .iter()
            .filter(|head| self.ready_at(head.chat_id, now) <= now)
            .min_by_key(|head| (self.chats.get(&head.chat_id), head.id))
            .copied()
            .ok_or_else(|| {
                heads
                    .iter()
                    .map(|head| self.ready_at(head.chat_id, now) - now)
                    .min()
                    .unwrap_or(Duration::ZERO)
            })
    }

    pub fn record(&mut self, chat: i64, now: Instant) {
        let window_ago = now.checked_sub(Self::SECOND);
        let minute_ago = now.checked_sub(Self::MINUTE);
        self.all.push_back(now);
        while self.all.len() > Self::PER_SECOND && window_ago.is_some_and(|t| self.all[0] <= t) {
            self.all.pop_front();
        }
        self.chats.insert(chat, now);
        if self.chats.len() > 4096 {
            let gap_ago = now.checked_sub(Self::CHAT_GAP);
            self.chats
                .retain(|_, last| gap_ago.is_none_or(|t| *last > t));
        }
        // Groups and supergroups have negative ids.
        if chat < 0 {
            let sent = self.groups.entry(chat).or_default();
            sent.push_back(now);
            while sent.len() > Self::PER_GROUP_MINUTE && minute_ago.is_some_and(|t| sent[0] <= t) {
                sent.pop_front();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_chat_gets_one_message_a_second() {
        let mut pacer = Pacer::default();
        let start = Instant::now();
        assert_eq!(pacer.ready_at(1, start), start);
        pacer.record(1, start);
        assert_eq!(pacer.ready_at(1, start), start + Pacer::CHAT_GAP);
        assert_eq!(
            pacer.ready_at(2, start),
            start,
            "another chat is not held up"
        );
    }

    #[test]
    fn thirty_messages_a_second_in_all() {
        let mut pacer = Pacer::default();
        let start = Instant::now();
        for chat in 0..30 {
            pacer.record(chat + 1, start + Duration::from_millis(chat as u64));
        }
        let now = start + Duration::from_millis(40);
        assert_eq!(pacer.ready_at(99, now), start + Pacer::SECOND);
    }

    #[test]
    fn a_group_gets_twenty_messages_a_minute() {
        let mut pacer = Pacer::default();
        let start = Instant::now();
        for n in 0..20 {
            pacer.record(-5, start + Duration::from_secs(n * 2));
        }
        let now = start + Duration::from_secs(41);
        assert_eq!(pacer.ready_at(-5, now), start + Pacer::MINUTE);
    }

    #[test]
    fn the_windows_leave_a_margin_and_still_allow_29_a_second() {
        assert!(Pacer::SECOND > Duration::from_secs(1));
        assert!(Pacer::CHAT_GAP > Duration::from_secs(1));
        assert!(Pacer::MINUTE > Duration::from_secs(60));
        let rate = Pacer::PER_SECOND as f64 / Pacer::SECOND.as_secs_f64();
        assert!((29.0..30.0).contains(&rate), "{rate}");
    }

    #[test]
    fn the_chat_served_longest_ago_goes_first_whatever_its_queue() {
        let mut pacer = Pacer::default();
        let start = Instant::now();
        let head = |id, chat_id| Head { id, chat_id };
        // Chat 1's queue is older, but it was served last; chat 2 was served before; 3 never.
        pacer.record(2, start);
        pacer.record(1, start + Duration::from_millis(1));
        let later = start + Duration::from_secs(2);
        let heads = [head(1, 1), head(50, 2), head(90, 3)];
        assert_eq!(pacer.choose(&heads, later).unwrap().chat_id, 3);
        assert_eq!(pacer.choose(&heads[..2], later).unwrap().chat_id, 2);
        // A chat served a moment ago waits for its gap.
        let soon = start + Duration::from_millis(500);
        assert_eq!(
            pacer.choose(&heads[..2], soon).unwrap_err(),
            Pacer::CHAT_GAP - Duration::from_millis(500)
        );
    }
}
