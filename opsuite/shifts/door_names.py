"""What the kiosk shows of a person: a first name, and only when needed, a little more.

The kiosk sits on a tablet at the door where anyone can read it, so it shows no personal data
beyond first names (the given name). The rule, for the people confirmed on one shift:

- **Latin-style names** (written with spaces, "Anna Maria Kowalska"): the first word is the
  first name, the last word the family name. Everyone is shown by first name alone ("Anna");
  when two or more share it, each of them gets the family name's initial ("Anna K.",
  "Anna W."). A one-word name ("Cher") is shown as it is.
- **Chinese names** (written in Han characters without spaces, "孙丽", "欧阳娜娜"): the family
  name comes first and is one character, or two for the compound surnames listed below; the
  rest is the given name. Everyone is shown by given name alone ("丽"); when two share it, each
  gets the pinyin initial of their family name ("丽 S.", "丽 L."), never the family name
  itself: a Chinese family name is a character or two, so "its first character" would be the
  whole surname. A one-character name, or one whose family name is all there is, is shown as
  it is.
- **Still alike** (two "Anna K.", or a shared given name whose family name's initial is not
  known): those people are numbered in the order they signed up ("Anna K. (1)",
  "Anna K. (2)"), so every button is different; the coordinator at the door can tell them
  which is theirs.

Romanised Chinese names ("Sun Li") follow the Latin rule, and names in other scripts written
without spaces are one word, shown as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from opsuite.web.i18n import gettext as _

# Compound (two-character) family names, with the pinyin initial of their first character.
_COMPOUNDS = {
    "B": "百里",
    "C": "淳于",
    "D": "东方 端木 独孤 第五",
    "G": "公孙 公冶",
    "H": "皇甫 呼延 赫连",
    "L": "令狐",
    "M": "慕容 万俟",
    "N": "南宫",
    "O": "欧阳",
    "P": "濮阳",
    "S": "司马 上官 司徒 申屠 司空",
    "T": "澹台 太史",
    "W": "闻人",
    "X": "夏侯 轩辕 西门",
    "Y": "尉迟 宇文",
    "Z": "诸葛 长孙 钟离 宗政",
}
COMPOUND_FAMILY = {name: initial for initial, names in _COMPOUNDS.items() for name in names.split()}

# The pinyin initial of common one-character family names (they cover most people in China).
_INITIALS = {
    "A": "安阿艾敖",
    "B": "白包鲍毕卜柏边卞班巴薄宾闭贝",
    "C": "陈曹蔡程崔常成柴车褚岑丛池迟储楚初晁谌",
    "D": "邓董杜丁段戴窦党刁狄邸但都豆",
    "F": "冯范方付傅樊房费封伏丰符奉富",
    "G": "郭高顾龚葛耿关甘谷管宫桂苟巩官郜戈辜公勾干盖",
    "H": "黄胡何韩侯贺郝华霍洪黑花海惠衡扈杭赫和呼",
    "J": "蒋姜贾金江焦纪季靳景姬鞠荆冀井计晋敬吉简居揭嵇",
    "K": "孔康柯寇况邝匡阚亢",
    "L": "李刘林罗梁吕卢陆廖雷龙黎凌骆蓝路连芦娄冷栾郎劳栗蔺楼厉练廉鹿逯隆利来兰柳鲁",
    "M": "马孟毛莫梅苗蒙牟穆麦缪米闵麻满门慕茅母",
    "N": "牛倪聂宁农南那",
    "O": "欧区",
    "P": "潘彭庞裴蒲盘皮平朴浦普",
    "Q": "秦邱钱覃齐乔戚祁瞿全曲屈漆卿裘亓权强阙仇",
    "R": "任阮冉饶荣容芮茹戎",
    "S": "孙宋苏沈石史邵施舒盛尚师申司商沙桑宿隋粟斯束帅索佘时单",
    "T": "唐田谭陶汤童滕涂佟谈檀屠仝邰",
    "W": "王吴魏汪韦万武温文翁卫邬巫闻位危乌",
    "X": "徐许谢肖萧夏熊薛向邢辛项席奚冼宣胥修鲜相幸信解",
    "Y": "杨袁于余叶姚尹严阎闫易颜殷俞岳喻游尤阳应虞原苑燕鄢伊禹雍羊印银玉郁元尧衣阴由尉冶於乐",
    "Z": "张赵周朱郑曾钟邹章庄翟詹左祝卓宗臧甄仲诸战湛展昝智植祖支查",
}
SINGLE_FAMILY = {char: initial for initial, chars in _INITIALS.items() for char in chars}
# A few characters read differently as family names than elsewhere; the table files them under
# the surname's reading: 曾 Zeng, 单 Shan, 仇 Qiu, 解 Xie, 查 Zha, 乐 Yue, 区 Ou, 盖 Ge, 谌 Chen.
# A name's family name not in the table has no initial (see "still alike" above).


def _is_han(text: str) -> bool:
    return bool(text) and all(
        "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\uf900" <= c <= "\ufaff"
        for c in text
    )


def split_name(name: str) -> tuple[str, str | None]:
    """(first name, family name's initial or None) by the rule above."""
    parts = name.split()
    if len(parts) >= 2:
        return parts[0], parts[-1][0].upper()
    word = parts[0] if parts else ""
    if not _is_han(word) or len(word) < 2:
        return word or "?", None
    if word[:2] in COMPOUND_FAMILY and len(word) > 2:
        return word[2:], COMPOUND_FAMILY[word[:2]]
    return word[1:], SINGLE_FAMILY.get(word[0])


def door_labels(people: Iterable[tuple[int, str]]) -> dict[int, str]:
    """The kiosk's label for each (key, full name), keys in sign-up order (ascending): first
    names, told apart as the module's rule says. Every label is different."""
    split = {key: split_name(name) for key, name in sorted(people)}
    by_first: dict[str, list[int]] = defaultdict(list)
    for key, (first, _initial) in split.items():
        by_first[first.casefold()].append(key)
    labels: dict[int, str] = {}
    for keys in by_first.values():
        for key in keys:
            first, initial = split[key]
            shared = len(keys) > 1
            labels[key] = (
                _("%(first)s %(initial)s.", first=first, initial=initial)
                if shared and initial
                else first
            )
    by_label: dict[str, list[int]] = defaultdict(list)
    for key, label in labels.items():
        by_label[label.casefold()].append(key)
    for keys in by_label.values():
        if len(keys) > 1:
            for number, key in enumerate(keys, start=1):
                labels[key] = _("%(name)s (%(number)s)", name=labels[key], number=number)
    return labels
