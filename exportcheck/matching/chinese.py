"""Chinese organisation names to the English words the lists use, with pinyin for everything else.

Why a table: the US lists write Chinese parties in English ("China Electronics Technology Group
Corporation 24th Research Institute"), while a consignee's paperwork may say 中国电子科技集团公司第二十四
研究所 or just 24所. Pinyin alone ("zhongguo dianzi keji jituan gongsi") would never meet the English
form, so the organisation words (研究所 research institute, 集团 group, 公司 company, ...) and the big
state groups are translated; names of places and firms, which the lists transliterate, go to pinyin
(pypinyin), one token per run of characters (华为 → "huawei", as the lists write it).

The table holds generic organisation vocabulary and the names of the state groups whose institutes are
listed; it is not taken from any list. Longest entries are applied first.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from exportcheck.matching.numbers import CN_NUMERAL, chinese_to_int


@cache
def _converters() -> tuple[Any, Any]:
    import opencc  # imported here: only names in Han script need it

    return opencc.OpenCC("jp2t"), opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Japanese (shinjitai) and traditional characters to simplified Chinese: 電子 → 电子, 集団/集團 → 集团.

    Why: METI writes Chinese parties in Japanese kanji and Hong Kong and Taiwan papers in traditional
    characters, while the organisation words below are simplified. OpenCC maps traditional to simplified
    (``t2s``) and Japanese forms to traditional ones (``jp2t``). The Japanese route is taken only where
    it ends in a simplified character: ``jp2t`` also turns the common 研 into the old form 硏, which
    ``t2s`` leaves alone, and that would hide 研究所 from the table.
    """
    return "".join(_simplified_char(ch) for ch in text)


@cache
def _simplified_char(ch: str) -> str:
    japanese, traditional = _converters()
    simplified = str(traditional.convert(ch))
    if simplified != ch:
        return simplified
    old = str(japanese.convert(ch))
    if old != ch:
        via = str(traditional.convert(old))
        if via != old:
            return via
    return ch


# State groups first (they contain the generic words below). The English side is what the group table
# in :mod:`exportcheck.matching.groups` folds to the acronym, so 中国电子科技集团 and "China Electronics
# Technology Group Corporation" end up as the same token "cetc".
ORG_WORDS: dict[str, str] = {
    "中国电子科技集团有限公司": "china electronics technology group corporation",
    "中国电子科技集团公司": "china electronics technology group corporation",
    "中国电子科技集团": "china electronics technology group corporation",
    "中国电科": "china electronics technology group corporation",
    # The short forms the groups, their institutes and the press use (中电科24所 = CETC's 24th institute).
    "中电科": "china electronics technology group corporation",
    "航天科技": "china aerospace science and technology corporation",
    "航天科工": "china aerospace science and industry corporation",
    "中航工业": "aviation industry corporation of china",
    "航空工业集团": "aviation industry corporation of china",
    "中国航空工业": "aviation industry corporation of china",
    "中国兵器": "china north industries group corporation",
    "兵器工业集团": "china north industries group corporation",
    "兵器装备集团": "china south industries group corporation",
    "中国船舶": "china state shipbuilding corporation",
    "中船集团": "china state shipbuilding corporation",
    "中船重工": "china shipbuilding industry corporation",
    "中核集团": "china national nuclear corporation",
    "中物院": "china academy of engineering physics",
    "中科院": "chinese academy of sciences",
    "国防科大": "national university of defense technology",
    "中国航天科技集团有限公司": "china aerospace science and technology corporation",
    "中国航天科技集团公司": "china aerospace science and technology corporation",
    "中国航天科技集团": "china aerospace science and technology corporation",
    "中国航天科工集团有限公司": "china aerospace science and industry corporation",
    "中国航天科工集团公司": "china aerospace science and industry corporation",
    "中国航天科工集团": "china aerospace science and industry corporation",
    "中国航空工业集团有限公司": "aviation industry corporation of china",
    "中国航空工业集团公司": "aviation industry corporation of china",
    "中国航空工业集团": "aviation industry corporation of china",
    "中国兵器工业集团有限公司": "china north industries group corporation",
    "中国兵器工业集团": "china north industries group corporation",
    "中国兵器装备集团有限公司": "china south industries group corporation",
    "中国兵器装备集团": "china south industries group corporation",
    "中国船舶集团有限公司": "china state shipbuilding corporation",
    "中国船舶重工集团有限公司": "china shipbuilding industry corporation",
    "中国船舶重工集团公司": "china shipbuilding industry corporation",
    "中国工程物理研究院": "china academy of engineering physics",
    "中国科学院": "chinese academy of sciences",
    "国防科技大学": "national university of defense technology",
    "国防科学技术大学": "national university of defense technology",
    "中国电子信息产业集团有限公司": "china electronics corporation",
    "中国核工业集团有限公司": "china national nuclear corporation",
    # The armed forces, whose academies and units the lists name in English.
    "中国人民解放军": "peoples liberation army",
    "人民解放军": "peoples liberation army",
    "解放军": "peoples liberation army",
    "军事科学院": "academy of military science",
    "国防大学": "national defense university",
    "陆军": "army",
    "海军": "navy",
    "空军": "air force",
    "火箭军": "rocket force",
    "战略支援部队": "strategic support force",
    "军事": "military",
    "勤务": "logistics",
    "工程大学": "engineering university",
    "工业大学": "polytechnical university",  # 西北工业大学 = Northwestern Polytechnical University
    "医科大学": "medical university",
    "理工大学": "university of science and technology",
    "科技大学": "university of science and technology",
    # Generic organisation words.
    "有限责任公司": "limited liability company",
    "股份有限公司": "co ltd",
    "有限公司": "co ltd",
    "研究院": "research academy",
    "研究所": "research institute",
    "研究中心": "research center",
    "实验室": "laboratory",
    "重点实验室": "key laboratory",
    "集团": "group",
    "公司": "company",
    "大学": "university",
    "学院": "college",
    "科技": "technology",
    "技术": "technology",
    "电子": "electronics",
    "工业": "industry",
    "工程": "engineering",
    "集成电路": "integrated circuit",
    "半导体": "semiconductor",
    "设计": "design",
    "航天": "aerospace",
    "航空": "aviation",
    "国际": "international",
    "中国": "china",
    "中华": "china",
    "分公司": "branch",
    "子公司": "subsidiary",
    "控股": "holding",
    "贸易": "trading",
    "进出口": "import export",
    "微电子": "microelectronics",
    "光电": "optoelectronics",
    "通信": "communication",
    "信息": "information",
    "量子": "quantum",
    "精密": "precision",
    "仪器": "instrument",
    "设备": "equipment",
    "材料": "materials",
    "软件": "software",
    "系统": "systems",
    "西南": "southwest",
    "西北": "northwest",
    "东南": "southeast",
    "东北": "northeast",
    "华北": "north china",
    "华东": "east china",
    "华南": "south china",
    "所": "institute",
    "院": "academy",
    "厂": "factory",
}

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


@cache
def _pattern() -> re.Pattern[str]:
    words = sorted(ORG_WORDS, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def _numeral(match: re.Match[str]) -> str:
    value = chinese_to_int(match.group(1))
    return f" {value} " if value is not None else match.group(0)


def han_to_latin(text: str) -> str:
    """Translate organisation words, read numerals (第二十四 → 24), and pinyin the remaining Han runs.

    "中国电子科技集团公司第二十四研究所" → "china electronics technology group corporation 24 research
    institute"; "24所" → "24 institute"; "华为技术有限公司" → "huawei technology company limited".
    """
    if not has_han(text):
        return text
    text = to_simplified(text)
    # Numerals first, but only where they stand before an organisation word or with 第 (第二十四),
    # so a name such as 一汽 is not read as a number.
    text = re.sub(r"第([零〇一二两三四五六七八九十百千]+|\d+)", lambda m: _numeral(m), text)
    text = re.sub(r"([零〇一二两三四五六七八九十百千]+)(?=研究所|所|研究院|院|厂)", lambda m: _numeral(m), text)
    text = _pattern().sub(lambda m: f" {ORG_WORDS[m.group(0)]} ", text)
    from pypinyin import lazy_pinyin  # imported here: loading its dictionaries takes a second

    text = _HAN_RUN.sub(lambda m: " " + "".join(lazy_pinyin(m.group(0))) + " ", text)
    return text


__all__ = ["CN_NUMERAL", "ORG_WORDS", "han_to_latin", "has_han", "to_simplified"]
