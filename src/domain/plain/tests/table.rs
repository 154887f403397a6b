//! At least 40 sentences written as contacts write them, each with exactly what it yields,
//! against the seeded plan's projects 3, 6, 11, 12, 13, 14, 15, 18, 21 and 24.

use super::*;

enum Who {
    /// Project 12 only (充电桩 台 last 40; 停车场及充电站 处 last 6).
    One12,
    /// Projects 3 (老年人食堂 处 last 2) and 12.
    Two,
    /// Projects 6 (托位 个; 费用标准 是/否; 培训 人次), 13 (two 培训 in 人次; 小区 个) and 18.
    Many,
    Alone(fn() -> PlainProject),
}

fn projects(who: &Who) -> Vec<PlainProject> {
    match who {
        Who::One12 => vec![p12()],
        Who::Two => vec![p3(), p12()],
        Who::Many => vec![p6(), p13(), p18()],
        Who::Alone(project) => vec![project()],
    }
}

use Who::{Alone, Many, One12, Two};

const TABLE: &[(&str, Who, &str)] = &[
    // The issue's own examples.
    (
        "12号项目本周新增5台充电桩，累计45台，停车场完成8处，科技馆西站点完工",
        Two,
        "#12 | 1=40+5,2=8 | - | 科技馆西站点完工 | - | -",
    ),
    ("累计四十五台，无困难", One12, "o12 | 1=45 | - | - | 无 | -"),
    // The project by number, in every way people write it.
    (
        "第3项：累计建成4处，进度正常",
        Two,
        "#3 | 1=4 | on_track | - | - | -",
    ),
    (
        "项目12 充电桩45台 停车场8处",
        Two,
        "#12 | 1=45,2=8 | - | - | - | -",
    ),
    ("第十二项累计45台", Two, "#12 | 1=45 | - | - | - | -"),
    (
        "１２号项目：累计４５台；停车场８处。",
        Two,
        "#12 | 1=45,2=8 | - | - | - | -",
    ),
    (
        "12号 累计45台，需协调供电公司增容",
        One12,
        "#12 | 1=45 | difficult | - | 需协调供电公司增容 | -",
    ),
    ("5号项目累计45台", Two, "x5 | - | - | - | - | -"),
    (
        "18号：城镇新增就业本周新增200人，累计8200人",
        Many,
        "#18 | 1=8000+200 | - | - | - | -",
    ),
    // The project by words of its title or its metrics.
    ("充电桩累计45台", Two, "w12 | 1=45 | - | - | - | -"),
    ("老年人食堂本周新建1处", Two, "w3 | 1=2+1 | - | - | - | -"),
    ("托位累计新增260个", Many, "w6 | 1=260 | - | - | - | -"),
    (
        "城镇新增就业累计8200人",
        Many,
        "w18 | 1=8200 | - | - | - | -",
    ),
    (
        "物业培训80人次",
        Many,
        "w13 | - | - | - | - | several(80:1,2)",
    ),
    (
        "培训工作正常推进",
        Many,
        "?6,13 | - | on_track | 培训工作正常推进 | - | -",
    ),
    ("累计3处", Two, "? | - | - | - | - | -"),
    // Numerals: Chinese, 万/千, full-width, decimals, separators.
    ("充电桩新增十二台", One12, "o12 | 1=40+12 | - | - | - | -"),
    (
        "累计安装充电桩五十台，停车场十处",
        One12,
        "o12 | 1=50,2=10 | - | - | - | -",
    ),
    (
        "新增２台，累计４２台。",
        One12,
        "o12 | 1=40+2 | - | - | - | -",
    ),
    (
        "城镇新增就业1.2万人",
        Alone(p18),
        "o18 | 1=12000 | - | - | - | -",
    ),
    (
        "全年新增就业八千七百人",
        Alone(p18),
        "o18 | 1=8700 | - | - | - | -",
    ),
    (
        "累计实现城镇新增就业8,700人",
        Alone(p18),
        "o18 | 1=8700 | - | - | - | -",
    ),
    (
        "本周新增就业3千人",
        Alone(p18),
        "o18 | 1=8000+3000 | - | - | - | -",
    ),
    (
        "农村公路累计完成7.8公里",
        Alone(p11),
        "o11 | 1=7.8 | - | - | - | -",
    ),
    (
        "本周完成大中修一点五公里",
        Alone(p11),
        "o11 | 1=6.5+1.5 | - | - | - | -",
    ),
    (
        "三角绿地站点新增两台",
        One12,
        "o12 | 1=40+2 | - | - | - | -",
    ),
    // Percents.
    (
        "救助标准提高5.5%",
        Alone(p21),
        "o21 | 1=5.5 | - | - | - | -",
    ),
    (
        "困难群众救助保障标准已提高百分之六",
        Alone(p21),
        "o21 | 1=6 | - | - | - | -",
    ),
    (
        "形象进度达到60%",
        One12,
        "o12 | - | - | - | - | none(60%:1,2)",
    ),
    // 新增 against 累计, and two numbers for one metric.
    (
        "本周新增5台，累计46台",
        One12,
        "o12 | - | - | - | - | two(1:40+5,46)",
    ),
    ("累计45台，目前共45台", One12, "o12 | 1=45 | - | - | - | -"),
    (
        "13号项目：项目经理培训本周新增20人次，累计320人次",
        Many,
        "#13 | 1=300+20 | - | - | - | -",
    ),
    (
        "5G基站本周新建3个，累计33个",
        Alone(p15),
        "o15 | 1=30+3 | - | - | - | -",
    ),
    (
        "一线人员培训新增50人次",
        Alone(p13),
        "o13 | 2=800+50 | - | - | - | -",
    ),
    // The unit alone, the name alone, neither, an unknown one.
    ("累计45", One12, "o12 | - | - | - | - | several(45:1,2)"),
    ("停车场累计10", One12, "o12 | 2=10 | - | - | - | -"),
    ("新增2名管理员", One12, "o12 | - | - | - | - | none(+2:1,2)"),
    (
        "充电枪累计80把",
        One12,
        "o12 | - | - | - | - | none(80:1,2)",
    ),
    (
        "完成进度百分之三十",
        One12,
        "o12 | - | - | - | - | none(30%:1,2)",
    ),
    ("本周完成3", Alone(p3), "o3 | 1=2+3 | - | - | - | -"),
    // 是/否 metrics.
    (
        "执行市级托育费用标准：未执行",
        Alone(p6),
        "o6 | 2=否 | - | - | - | -",
    ),
    (
        "托育费用标准已执行，托位累计260个，培训180人次",
        Alone(p6),
        "o6 | 1=260,2=是,3=180 | - | - | - | -",
    ),
    (
        "6号项目 本周新增托位30个，培训累计160人次，市级托育费用标准已执行",
        Many,
        "#6 | 1=200+30,2=是,3=160 | - | - | - | -",
    ),
    // Status: 完成 with all targets met, 滞后, 正常.
    (
        "科技馆西站点完工",
        One12,
        "o12 | - | - | 科技馆西站点完工 | - | -",
    ),
    (
        "充电桩全部安装完成，累计100台，停车场30处已完工",
        One12,
        "o12 | 1=100,2=30 | done | 充电桩全部安装完成 | - | -",
    ),
    (
        "红星7号口袋公园完工，累计建成6个",
        Alone(p14),
        "o14 | 1=6 | done | 红星7号口袋公园完工 | - | -",
    ),
    ("项目已全部完成", Alone(p24), "o24 | - | done | - | - | -"),
    (
        "累计8700人，全年目标已完成",
        Alone(p18),
        "o18 | 1=8700 | done | 全年目标已完成 | - | -",
    ),
    (
        "进度滞后，主要是雨季影响施工",
        One12,
        "o12 | - | behind | 主要是雨季影响施工 | - | -",
    ),
    // Difficulties.
    (
        "累计50台。困难：电力增容手续未批复，施工队伍不足",
        One12,
        "o12 | 1=50 | difficult | - | 电力增容手续未批复，施工队伍不足 | -",
    ),
    (
        "因土地手续需协调，进度滞后",
        One12,
        "o12 | - | behind | - | 因土地手续需协调 | -",
    ),
    ("困难：无", One12, "o12 | - | - | - | 无 | -"),
    (
        "没有困难，正常推进",
        One12,
        "o12 | - | on_track | - | 无 | -",
    ),
    ("无困难", Alone(p24), "o24 | - | on_track | - | 无 | -"),
    ("累计 45 台 无困难", One12, "o12 | 1=45 | - | - | 无 | -"),
    (
        "已解决停车难问题",
        One12,
        "o12 | - | - | 已解决停车难问题 | - | -",
    ),
    (
        "无明显困难，按期推进",
        One12,
        "o12 | - | on_track | - | 无 | -",
    ),
    (
        "急需供电部门配合增容",
        One12,
        "o12 | - | difficult | - | 急需供电部门配合增容 | -",
    ),
    // Last week's figure restated, 本周 before the figure, words before and after.
    ("上周40台，本周45台", One12, "o12 | 1=45 | - | - | - | -"),
    (
        "累计45台，较上周增加5台",
        One12,
        "o12 | 1=40+5 | - | - | - | -",
    ),
    (
        "第二批充电桩本周安装6台",
        One12,
        "o12 | 1=40+6 | - | - | - | -",
    ),
    ("充电桩45停车场8", One12, "o12 | 1=45,2=8 | - | - | - | -"),
    ("托位新增30个", Many, "w6 | 1=200+30 | - | - | - | -"),
    ("新增托位50个", Alone(p6), "o6 | 1=50 | - | - | - | -"),
    (
        "累计45台（其中科技馆西20台）",
        One12,
        "o12 | 1=45 | - | - | - | -",
    ),
    // The units pick the project when no words do.
    ("累计45台，无困难", Two, "w12 | 1=45 | - | - | 无 | -"),
    // A finishing word the figures do not bear out stays in the progress.
    ("已全部完成", One12, "o12 | - | - | 已全部完成 | - | -"),
    (
        "进展 科技馆西站点：已开工",
        One12,
        "o12 | - | - | 科技馆西站点：已开工 | - | -",
    ),
    // Dates and money are not counts.
    (
        "3月6日完成科技馆西站点选址",
        One12,
        "o12 | - | - | 3月6日完成科技馆西站点选址 | - | -",
    ),
    (
        "累计完成投资1200万元",
        One12,
        "o12 | - | - | - | - | none(12000000:1,2)",
    ),
];

#[test]
fn the_table_of_sentences_reads_as_written() {
    assert!(TABLE.len() >= 40);
    let mut wrong = Vec::new();
    for (text, who, expected) in TABLE {
        let got = line(&read(text, &projects(who)));
        if got != *expected {
            wrong.push(format!("{text}\n  expected {expected}\n       got {got}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {}:\n{}",
        wrong.len(),
        TABLE.len(),
        wrong.join("\n")
    );
}
