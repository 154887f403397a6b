//! Numbers as contacts type them: Arabic or Chinese numerals (四十五, 两, 一百零五, 一万二),
//! 万/千 after digits (1.2万), full-width digits, decimals and percents (30%, 百分之三十).

/// A number read from text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    pub percent: bool,
    /// Written in Chinese numerals: such a number is a value only beside a unit or a marker,
    /// since 一线, 两委 and 三角绿地 are words, not counts.
    pub chinese: bool,
}

/// Full-width digits and signs as ASCII; thousands separators (8,700) dropped.
pub fn normalize(text: &str) -> Vec<char> {
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '％' => '%',
            '：' => ':',
            '＝' => '=',
            c => c,
        })
        .collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            let separator =
                c == ',' && i > 0 && digit(i - 1) && (1..=3).all(|k| digit(i + k)) && !digit(i + 4);
            !separator
        })
        .map(|(_, &c)| c)
        .collect()
}

/// The whole of `text` as one number, or `None`.
pub fn parse_number(text: &str) -> Option<Number> {
    let chars = normalize(text.trim());
    match scan(&chars, 0) {
        Some((number, end)) if end == chars.len() => Some(number),
        _ => None,
    }
}

/// The number that starts at `at`, and where it ends.
pub fn scan(chars: &[char], at: usize) -> Option<(Number, usize)> {
    if starts_with(chars, at, "百分之") {
        let (number, end) = plain(chars, at + 3)?;
        return Some((
            Number {
                percent: true,
                ..number
            },
            end,
        ));
    }
    let (mut number, mut end) = plain(chars, at)?;
    if chars.get(end) == Some(&'%') {
        number.percent = true;
        end += 1;
    }
    Some((number, end))
}

pub fn starts_with(chars: &[char], at: usize, word: &str) -> bool {
    (at..)
        .zip(word.chars())
        .all(|(i, c)| chars.get(i) == Some(&c))
}

fn plain(chars: &[char], at: usize) -> Option<(Number, usize)> {
    let first = *chars.get(at)?;
    let (value, end, chinese) = if first.is_ascii_digit() {
        let (value, end) = arabic(chars, at)?;
        (value, end, false)
    } else if digit_of(first).is_some() || first == '十' {
        let (value, end) = chinese(chars, at)?;
        (value, end, true)
    } else {
        return None;
    };
    let number = Number {
        value,
        percent: false,
        chinese,
    };
    Some((number, end))
}

/// 45, 9.2, 1.2万, 3千. Digits run into a letter (5G) are a name, not a number.
fn arabic(chars: &[char], at: usize) -> Option<(f64, usize)> {
    let mut end = at;
    while chars.get(end).is_some_and(char::is_ascii_digit) {
        end += 1;
    }
    if chars.get(end) == Some(&'.') && chars.get(end + 1).is_some_and(char::is_ascii_digit) {
        end += 1;
        while chars.get(end).is_some_and(char::is_ascii_digit) {
            end += 1;
        }
    }
    if chars.get(end).is_some_and(char::is_ascii_alphabetic) {
        return None;
    }
    let digits: String = chars[at..end].iter().collect();
    let mut value: f64 = digits.parse().ok()?;
    if let Some(scale) = chars.get(end).and_then(|&c| big_unit(c)) {
        value *= scale;
        end += 1;
    }
    Some((value, end))
}

fn digit_of(c: char) -> Option<f64> {
    let digit = match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    };
    Some(f64::from(digit))
}

fn small_unit(c: char) -> Option<f64> {
    match c {
        '十' => Some(10.0),
        '百' => Some(100.0),
        '千' => Some(1000.0),
        _ => None,
    }
}

fn big_unit(c: char) -> Option<f64> {
    match c {
        '万' => Some(1e4),
        '千' => Some(1e3),
        '亿' => Some(1e8),
        _ => None,
    }
}

/// 四十五, 一百零五, 三千, 一万二 (12000, as people say it), 九点二.
fn chinese(chars: &[char], at: usize) -> Option<(f64, usize)> {
    let (mut total, mut section) = (0.0, 0.0);
    let mut pending: Option<f64> = None;
    // The unit just passed, for the spoken short form: 一百五 is 150, 两千五 is 2500.
    let mut last_unit = 0.0;
    let mut i = at;
    while let Some(&c) = chars.get(i) {
        if let Some(digit) = digit_of(c) {
            if digit == 0.0 {
                last_unit = 0.0;
            } else if pending.is_some() {
                break;
            } else {
                pending = Some(digit);
            }
        } else if let Some(unit) = small_unit(c) {
            section += pending.take().unwrap_or(1.0) * unit;
            last_unit = unit;
        } else if c == '万' || c == '亿' {
            let unit = big_unit(c)?;
            section += pending.take().unwrap_or(0.0);
            total += section * unit;
            section = 0.0;
            last_unit = unit;
        } else if c == '点' && chars.get(i + 1).and_then(|&d| digit_of(d)).is_some() {
            let whole = total + section + pending.unwrap_or(0.0);
            let mut end = i + 1;
            let mut scale = 0.1;
            let mut fraction = 0.0;
            while let Some(digit) = chars.get(end).and_then(|&d| digit_of(d)) {
                fraction += digit * scale;
                scale /= 10.0;
                end += 1;
            }
            return Some((whole + fraction, end));
        } else {
            break;
        }
        i += 1;
    }
    if let Some(digit) = pending {
        section += if last_unit >= 100.0 {
            digit * last_unit / 10.0
        } else {
            digit
        };
    }
    Some((total + section, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<f64> {
        parse_number(text).map(|n| n.value)
    }

    #[test]
    fn chinese_numerals_read_as_people_say_them() {
        for (text, expected) in [
            ("四十五", 45.0),
            ("两", 2.0),
            ("十", 10.0),
            ("十二", 12.0),
            ("二十", 20.0),
            ("一百零五", 105.0),
            ("一百五", 150.0),
            ("三千", 3000.0),
            ("两千五", 2500.0),
            ("一千二百三十四", 1234.0),
            ("一万二", 12000.0),
            ("八千七百", 8700.0),
            ("十万", 100000.0),
            ("零", 0.0),
            ("九点二", 9.2),
        ] {
            assert_eq!(value(text), Some(expected), "{text}");
            assert!(parse_number(text).unwrap().chinese, "{text}");
        }
    }

    #[test]
    fn arabic_numerals_take_wan_qian_full_width_and_separators() {
        for (text, expected) in [
            ("45", 45.0),
            ("9.2", 9.2),
            ("1.2万", 12000.0),
            ("3千", 3000.0),
            ("４５", 45.0),
            ("９．２", 9.2),
            ("8,700", 8700.0),
            ("1,234,567", 1234567.0),
        ] {
            assert_eq!(value(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn percents_in_signs_and_words() {
        assert_eq!(
            parse_number("30%"),
            Some(Number {
                value: 30.0,
                percent: true,
                chinese: false
            })
        );
        assert_eq!(
            parse_number("５．５％").map(|n| (n.value, n.percent)),
            Some((5.5, true))
        );
        assert_eq!(
            parse_number("百分之三十").map(|n| (n.value, n.percent)),
            Some((30.0, true))
        );
        assert_eq!(
            parse_number("百分之5").map(|n| (n.value, n.percent)),
            Some((5.0, true))
        );
    }

    #[test]
    fn words_and_names_are_not_numbers() {
        assert_eq!(value("5G"), None, "a name");
        assert_eq!(value("很多"), None);
        assert_eq!(value("万"), None, "万 alone is no number");
        assert_eq!(value("45到50"), None, "the whole text must be one number");
        assert_eq!(value(""), None);
        let chars = normalize("建设5G基站12个");
        assert_eq!(scan(&chars, 2), None);
        assert_eq!(
            scan(&chars, 6).map(|(n, end)| (n.value, end)),
            Some((12.0, 8))
        );
    }
}
