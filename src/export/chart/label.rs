//! A bar's label: the project number and its whole title, on one line when it fits, else
//! wrapped onto two lines where Chinese text may break (after punctuation, before 和/及/的, at a
//! verb that starts a phrase). Only a title too long for two lines is shortened, at such a
//! boundary, and then always with "…": no title is cut silently.

/// The label's lines for project `no`: the first starts with "no. ", the second (if any) is the
/// rest of the title, drawn indented under it. `width` measures a piece of text; `max` is the
/// room for one line, the prefix included.
pub fn lines(no: i64, title: &str, width: &dyn Fn(&str) -> f32, max: f32) -> Vec<String> {
    let prefix = format!("{no}. ");
    let title = title.trim();
    let whole = format!("{prefix}{title}");
    if width(&whole) <= max {
        return vec![whole];
    }
    let chars: Vec<char> = title.chars().collect();
    let piece = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    let first_fits = |i: usize| width(&format!("{prefix}{}", piece(0, i))) <= max;
    let second_room = max - width(&prefix);
    let breaks: Vec<usize> = (1..chars.len()).filter(|&i| may_break(&chars, i)).collect();
    // A first line under half the room looks like a stray word, whatever its boundary.
    let full_enough = |i: usize| width(&format!("{prefix}{}", piece(0, i))) * 2.0 >= max;
    // Both halves fit: prefer a better boundary, then a fuller first line.
    let split = breaks
        .iter()
        .copied()
        .filter(|&i| first_fits(i) && width(&piece(i, chars.len())) <= second_room)
        .max_by_key(|&i| (full_enough(i), rank(&chars, i), i));
    if let Some(i) = split {
        return vec![format!("{prefix}{}", piece(0, i)), piece(i, chars.len())];
    }
    // Too long for two lines: the first line as full as a boundary allows, the second shortened
    // at a boundary with "…".
    let Some(i) = breaks
        .iter()
        .copied()
        .filter(|&i| first_fits(i))
        .max_by_key(|&i| (full_enough(i) && rank(&chars, i) > 0, i))
    else {
        return vec![shorten(&prefix, &chars, 0, &breaks, &|s| width(s) <= max)];
    };
    let rest = shorten("", &chars, i, &breaks, &|s| width(s) <= second_room);
    vec![format!("{prefix}{}", piece(0, i)), rest]
}

/// `prefix` and `chars[from..]` cut at the last break (a ranked one if possible) where it
/// still fits with "…".
fn shorten(
    prefix: &str,
    chars: &[char],
    from: usize,
    breaks: &[usize],
    fits: &dyn Fn(&str) -> bool,
) -> String {
    let cut = |to: usize| format!("{prefix}{}…", chars[from..to].iter().collect::<String>());
    let fitting: Vec<usize> = breaks
        .iter()
        .copied()
        .filter(|&j| j > from && fits(&cut(j)))
        .collect();
    let ranked = fitting
        .iter()
        .copied()
        .filter(|&j| rank(chars, j) > 0)
        .max();
    let to = ranked.or(fitting.iter().copied().max()).unwrap_or(from);
    cut(to)
}

const CLOSING: &str = "，、。；：！？）》」』”’…·";
const OPENING: &str = "（《「『“‘";
/// Words before which a phrase usually starts (and where a break reads naturally).
const BEFORE: &[&str] = &["和", "及", "与", "并", "或", "的"];
const PHRASES: &[&str] = &[
    "进行", "开展", "实施", "建设", "建成", "提升", "提高", "推进", "支持", "安装", "改善", "降低",
    "增加", "加强", "免费", "乘坐", "改造", "项目", "服务", "保障", "救助", "设施", "产前",
];

/// Whether a line may break before `chars[i]`: not before closing punctuation, not after an
/// opening one, not inside a run of Latin letters or digits, not between a number and its unit.
fn may_break(chars: &[char], i: usize) -> bool {
    let (before, after) = (chars[i - 1], chars[i]);
    let forbidden = CLOSING.contains(after)
        || OPENING.contains(before)
        || (before.is_ascii_alphanumeric() && after.is_ascii_alphanumeric())
        || (before.is_ascii_digit() && !after.is_ascii());
    !forbidden
}

/// How good a break before `chars[i]` is: 3 at punctuation, 2 before a conjunction or 的, 1
/// before a phrase-starting word or where the script changes, 0 anywhere else.
fn rank(chars: &[char], i: usize) -> u8 {
    let (before, after) = (chars[i - 1], chars[i]);
    let rest: String = chars[i..].iter().take(2).collect();
    if CLOSING.contains(before) || OPENING.contains(after) {
        3
    } else if BEFORE.iter().any(|w| rest.starts_with(w)) {
        2
    } else if PHRASES.iter().any(|w| rest.starts_with(w)) || before.is_ascii() != after.is_ascii() {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A monospace measure: a CJK character is 2 columns, ASCII 1.
    fn columns(text: &str) -> f32 {
        text.chars()
            .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
            .sum()
    }

    #[test]
    fn a_title_that_fits_is_one_line() {
        assert_eq!(
            lines(3, "建设老年人食堂", &columns, 40.0),
            ["3. 建设老年人食堂"]
        );
    }

    #[test]
    fn a_long_title_wraps_whole_at_a_boundary() {
        let got = lines(1, "对困难老年人家庭设施进行适老化改造", &columns, 30.0);
        assert_eq!(got, ["1. 对困难老年人家庭设施", "进行适老化改造"]);
        let got = lines(
            5,
            "免费开展孕妇外周血胎儿游离DNA产前筛查和产前诊断",
            &columns,
            44.0,
        );
        assert_eq!(
            got,
            ["5. 免费开展孕妇外周血胎儿游离DNA产前筛查", "和产前诊断"]
        );
        let got = lines(20, "建设退役军人创业孵化基地（园区）", &columns, 30.0);
        assert_eq!(got, ["20. 建设退役军人创业孵化基地", "（园区）"]);
    }

    #[test]
    fn a_title_too_long_for_two_lines_is_shortened_at_a_boundary_with_an_ellipsis() {
        let title =
            "对困难老年人家庭设施进行适老化改造、为独居老人安装火灾探测报警器和建设老年人食堂";
        let got = lines(1, title, &columns, 30.0);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], "1. 对困难老年人家庭设施");
        assert!(got[1].ends_with('…'), "{got:?}");
        let kept = format!("{}{}", &got[0][3..], got[1].trim_end_matches('…'));
        assert!(title.starts_with(&kept), "{kept}");
        let next: String = title[kept.len()..].chars().take(2).collect();
        assert!(
            kept.ends_with('、') || BEFORE.iter().chain(PHRASES).any(|w| next.starts_with(w)),
            "cut mid-word before {next}: {got:?}"
        );
    }

    #[test]
    fn numbers_and_latin_words_stay_together() {
        let got = lines(23, "为100名残疾儿童开展康复救助", &columns, 14.0);
        assert!(
            got.iter()
                .all(|l| !l.ends_with('1') && !l.starts_with('名')),
            "{got:?}"
        );
        let got = lines(5, "免费开展孕妇外周血胎儿游离DNA产前筛查", &columns, 32.0);
        assert!(
            got.iter().all(|l| !l.ends_with('D') && !l.ends_with('N')),
            "{got:?}"
        );
    }
}
