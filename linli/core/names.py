"""Realistic personal names for Qinghai's peoples, for demo and benchmark data."""

import random

HAN_SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈"
                "曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭祁星")
HAN_GIVEN = ["秀英", "桂英", "玉兰", "建国", "建华", "海燕", "永福", "文斌", "国庆", "春梅", "志强",
             "淑珍", "德明", "晓梅", "丽娟", "红霞", "振华", "兰英", "明", "伟", "芳", "娜", "敏",
             "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "超", "霞", "平", "刚", "桂兰",
             "玉梅", "生福", "有财", "进录", "存良", "占林", "万青", "福寿", "成贵", "得顺"]
HUI_SURNAMES = "马韩冶喇沙苏白穆哈撒"
HUI_GIVEN = ["哈三", "尕布", "穆萨", "阿舍", "法图麦", "麦燕", "海麦", "尕索", "国栋", "永红",
             "秀兰", "正清", "忠", "福海", "明德", "玉梅", "艳梅", "伊布拉", "尔萨"]
TIBETAN = ["才让", "卓玛", "扎西", "拉毛", "索南", "尼玛", "多杰", "旦正", "更登", "措吉", "桑杰",
           "才旦", "德吉", "央金", "仁青", "东智", "吉太", "完德", "才让措", "拉毛吉", "夏吾",
           "卓么", "南加", "加措", "闹日", "昂秀", "贡保", "切吉", "周毛", "久美", "公保"]
TU_GIVEN = ["永寿", "生秀", "索南吉", "存英", "进宝", "兰花", "福英"]
SALAR_GIVEN = ["阿卜杜", "尔克", "韩麦", "艾比", "穆罕", "撒玛", "苏莱"]
MONGOL = ["巴特尔", "其其格", "乌兰", "图雅", "那日苏", "格日勒", "孟和", "萨仁", "额尔敦"]

# Rough shares of Qinghai's population by people (7th census): Han ~50 %, Tibetan ~25 %,
# Hui ~15 %, Tu ~4 %, Salar ~2 %, Mongolian ~2 %.
PEOPLES = [("汉族", 50), ("藏族", 25), ("回族", 15), ("土族", 4), ("撒拉族", 2), ("蒙古族", 2)]


def person_name(rng: random.Random, people: str | None = None) -> tuple[str, str]:
    """(name, people) — a Tibetan or Mongolian name has no surname."""
    people = people or rng.choices([p for p, _ in PEOPLES], [w for _, w in PEOPLES])[0]
    if people == "藏族":
        parts = rng.sample(TIBETAN, 2)
        name = parts[0] if rng.random() < 0.5 else parts[0] + parts[1][:1]
    elif people == "蒙古族":
        name = rng.choice(MONGOL)
    elif people == "回族":
        name = rng.choice(HUI_SURNAMES) + rng.choice(HUI_GIVEN)
    elif people == "撒拉族":
        name = rng.choice("韩马") + rng.choice(SALAR_GIVEN)
    elif people == "土族":
        name = rng.choice("李祁吕星鲁") + rng.choice(TU_GIVEN)
    else:
        name = rng.choice(HAN_SURNAMES) + rng.choice(HAN_GIVEN)
    return name, people
