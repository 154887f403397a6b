//! The words the reader matches, and the small text helpers around them. The lists are the
//! whole of its "understanding": a word not here is left in the progress text.

use super::numeral::starts_with;

/// Unit words, longer first so 人次 wins over 人.
pub const UNITS: &[&str] = &[
    "平方米",
    "人次",
    "公里",
    "千米",
    "万元",
    "个",
    "处",
    "台",
    "所",
    "条",
    "户",
    "名",
    "家",
    "张",
    "场",
    "人",
    "座",
    "套",
    "间",
    "辆",
    "次",
    "项",
    "件",
    "米",
    "位",
    "部",
    "栋",
    "元",
    "把",
    "根",
    "块",
    "棵",
    "吨",
    "批",
    "%",
];

/// After a number these make it a date, a time, a duration or an ordinal, not a value.
pub const NOT_A_COUNT: &[&str] = &[
    "个月",
    "个工作日",
    "小时",
    "分钟",
    "季度",
    "号",
    "年",
    "月",
    "日",
    "周",
    "天",
    "时",
    "点",
    "届",
    "岁",
    "类",
    "倍",
];

/// Before a number these give the value itself (累计45台).
pub const TOTAL: &[&str] = &[
    "累计",
    "一共",
    "共",
    "合计",
    "总计",
    "已完成",
    "达到",
    "目前",
    "至今",
    "现已",
    "截至",
    "增加到",
    "增至",
    "提高到",
    "提高至",
    "提升至",
    "达",
];

/// Before a number these give what was added since last week (新增5台, 本周完成5台).
pub const ADDED: &[&str] = &[
    "新增",
    "本周",
    "这周",
    "本期",
    "增加",
    "比上周多",
    "较上周多",
    "比上周增加",
    "较上周增加",
];

/// 本周 right before a number gives the week's figure (本周45台), not an addition.
pub const THIS_WEEK: &[&str] = &["本周", "这周", "本期"];

/// Before a number these restate last week's figure (上周40台，本周45台).
pub const LAST_WEEK: &[&str] = &["上周", "上期", "上次"];

/// Right before a number these give the figure it grew from (由40台增加到45台).
pub const FROM: &[&str] = &["由", "从"];

/// Before a number these make it a part of the figure before (累计45台，其中科技馆西20台).
pub const PART: &[&str] = &["其中"];

/// 新增 after these still counts from the start of the year (累计新增托位200个).
pub const SINCE_START: &[&str] = &["累计", "共", "全年", "年内", "今年", "已"];

/// Parts of titles and metric names too common to tell one from another.
pub const STOP: &[&str] = &[
    "项目", "建设", "新建", "建成", "提升", "服务", "实施", "开展", "完成", "新增", "本周", "累计",
    "计划", "工作", "推进", "全区", "安装",
];

pub const YES: &[&str] = &[
    "已执行",
    "已出台",
    "已落实",
    "已实施",
    "已印发",
    "已制定",
    "已发布",
    "正在执行",
    "执行到位",
    "均已执行",
];

pub const NO: &[&str] = &[
    "未执行",
    "未出台",
    "未落实",
    "未实施",
    "未印发",
    "未制定",
    "未发布",
    "没有执行",
];

pub const NO_DIFFICULTY: &[&str] = &[
    "无困难和问题",
    "无困难问题",
    "暂无困难",
    "没有困难",
    "无困难",
    "暂无问题",
    "没有问题",
    "无问题",
    "无需协调",
    "不需协调",
    "不需要协调",
    "一切顺利",
];

/// Words that start difficulties, besides 困难 and 问题.
pub const HARD: &[&str] = &[
    "需协调",
    "需要协调",
    "难点",
    "瓶颈",
    "亟需",
    "急需",
    "亟待",
    "制约",
];

/// Labels people put before a part: 进展：……, 困难：……, 状态：…….
pub const PROGRESS_LABELS: &[&str] = &["本周进展:", "工作进展:", "进展:", "进度:"];
pub const DIFFICULTY_LABELS: &[&str] = &[
    "存在困难和问题:",
    "困难和问题:",
    "存在困难:",
    "存在问题:",
    "困难:",
    "问题:",
    "存在困难",
    "存在问题",
    "困难是",
];
pub const STATUS_LABEL: &str = "状态:";

/// What says "nothing" after a label (困难：无).
pub const NOTHING: &[&str] = &["无", "没有", "暂无", "无。", "-"];

pub const BEHIND: &[&str] = &["滞后", "落后", "延期", "进度缓慢", "推进缓慢", "进度慢"];
pub const ON_TRACK: &[&str] = &[
    "正常推进",
    "进度正常",
    "按计划推进",
    "按序时推进",
    "按时序推进",
    "顺利推进",
    "有序推进",
    "稳步推进",
    "按期推进",
    "进展顺利",
    "推进顺利",
    "正常进行",
];
/// At the end of a sentence these say a thing is finished (科技馆西站点完工).
pub const FINISHED: &[&str] = &["完成", "完工", "竣工", "建成", "办结", "落实到位"];
/// Left of a status word, these leave nothing else to say (项目已全部完成).
pub const FILLER: &[&str] = &[
    "项目", "目前", "整体", "进度", "全部", "已经", "已", "均", "正常",
];

/// Where a clause ends.
pub fn is_separator(c: char) -> bool {
    matches!(
        c,
        '，' | ',' | '。' | '；' | ';' | '、' | '！' | '!' | '？' | '?' | '\n' | '\r' | '\t'
    )
}

/// The text cut into clauses at punctuation, at a space between words (not one beside a
/// digit: 累计 45 台), and before a label (累计45台 困难:……); spaces are then dropped.
pub fn clauses(chars: &[char]) -> Vec<Vec<char>> {
    let mut out: Vec<Vec<char>> = vec![Vec::new()];
    let near_digit = |i: usize| {
        let digit = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_digit() || *c == '%');
        digit(i.checked_sub(1).and_then(|j| chars.get(j))) || digit(chars.get(i + 1))
    };
    for (i, &c) in chars.iter().enumerate() {
        let space = c == ' ' || c == '　';
        let label = DIFFICULTY_LABELS
            .iter()
            .chain(PROGRESS_LABELS.iter())
            .chain(std::iter::once(&STATUS_LABEL))
            .any(|l| l.ends_with(':') && starts_with(chars, i, l));
        if is_separator(c) || (space && !near_digit(i)) || label {
            out.push(Vec::new());
        }
        if !is_separator(c) && !space {
            out.last_mut().expect("never empty").push(c);
        }
    }
    out.retain(|clause| !clause.is_empty());
    out
}

/// How many characters of `text` lie in runs of two or more that one of `names` holds too,
/// not counting the common words of `STOP` nor runs with digits: 物业培训 covers 4 of
/// 物业企业项目经理培训 but 2 of 托育服务行业培训.
pub fn coverage(text: &[char], names: &[&str]) -> usize {
    let mut covered = vec![false; text.len()];
    for name in names {
        let name: Vec<char> = name.chars().collect();
        for start in 0..text.len() {
            let mut end = start + 2;
            while end <= text.len() && contains(&name, &text[start..end]) {
                let piece: String = text[start..end].iter().collect();
                let digits = piece.chars().any(|c| c.is_ascii_digit());
                if !digits && !STOP.contains(&piece.as_str()) {
                    covered[start..end].fill(true);
                }
                end += 1;
            }
        }
    }
    covered.iter().filter(|&&c| c).count()
}

pub fn contains(haystack: &[char], needle: &[char]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Where `word` last occurs in `text`.
pub fn rfind(text: &[char], word: &str) -> Option<usize> {
    let length = word.chars().count();
    (0..=text.len().saturating_sub(length))
        .rev()
        .find(|&i| text.len() >= length && starts_with(text, i, word))
}

pub fn has(text: &[char], word: &str) -> bool {
    rfind(text, word).is_some()
}

/// The first of `words` that `text` starts with, and the rest.
pub fn strip_label<'a>(text: &'a [char], words: &[&str]) -> Option<&'a [char]> {
    words
        .iter()
        .find(|w| starts_with(text, 0, w))
        .map(|w| &text[w.chars().count()..])
}

/// The unit word at `at`, if any (after the number).
pub fn unit_at(chars: &[char], at: usize) -> Option<&'static str> {
    if NOT_A_COUNT.iter().any(|w| starts_with(chars, at, w)) {
        return None;
    }
    UNITS.iter().copied().find(|u| starts_with(chars, at, u))
}

/// Text to hand back, its colons full-width again as people read them in Chinese.
pub fn text(chars: &[char]) -> String {
    chars
        .iter()
        .map(|&c| if c == ':' { '：' } else { c })
        .collect()
}
