"""Realistic Chinese demo data: names, credit codes, contacts. Deterministic (seeded)."""

import random
from datetime import date

from .validators import CREDIT_CODE_ALPHABET, credit_code_check_char

CITIES = [
    ("北京", "110108", "bj"),
    ("北京", "110105", "bj"),
    ("天津", "120116", "bj"),
    ("石家庄", "130102", "bj"),
    ("太原", "140105", "bj"),
    ("济南", "370102", "bj"),
    ("上海", "310115", "sh"),
    ("上海", "310104", "sh"),
    ("杭州", "330106", "sh"),
    ("南京", "320106", "sh"),
    ("苏州", "320505", "sh"),
    ("宁波", "330212", "sh"),
]
WORDS = [
    "华信",
    "中科",
    "恒通",
    "远航",
    "瑞达",
    "博源",
    "天成",
    "金桥",
    "宏图",
    "鼎盛",
    "永安",
    "新元",
    "东方",
    "长城",
    "海川",
    "同创",
    "智达",
    "启明",
    "嘉禾",
    "万通",
    "安泰",
    "国信",
    "联创",
    "弘毅",
    "凯盛",
    "润和",
    "汇丰",
    "正泰",
    "华晨",
    "京瑞",
    "明德",
    "兴业",
    "泰和",
    "广源",
    "至诚",
    "景程",
]
KINDS = [
    ("科技", "group", "有限公司"),
    ("电子", "manufacturing", "有限公司"),
    ("通信", "telecom", "股份有限公司"),
    ("能源", "energy", "集团有限公司"),
    ("物流", "transport", "有限公司"),
    ("医疗器械", "healthcare", "有限公司"),
    ("制造", "manufacturing", "股份有限公司"),
    ("信息技术", "group", "有限公司"),
    ("建设", "group", "集团有限公司"),
    ("环保", "energy", "有限公司"),
]
INSTITUTIONS = [
    ("人民医院", "healthcare"),
    ("中心医院", "healthcare"),
    ("市政务服务中心", "government"),
    ("农村商业银行", "finance"),
    ("职业技术学院", "education"),
    ("市公共交通集团", "transport"),
]
SURNAMES = (  # noqa: E501
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玲斌宇浩凯鹏飞辉丹萍鑫琳晨欣怡子涵梓轩俊杰雨婷思远文博"  # noqa: E501
TITLES = [
    ("总经理", "decision_maker"),
    ("副总经理", "decision_maker"),
    ("采购经理", "purchaser"),
    ("采购专员", "purchaser"),
    ("财务总监", "finance"),
    ("会计", "finance"),
    ("技术总监", "technical"),
    ("信息中心主任", "technical"),
    ("行政主管", "user"),
]
SCOPES = [
    "计算机软硬件开发、销售及技术服务；系统集成。",
    "通信设备的研发、生产和销售；通信工程施工。",
    "医疗器械经营；医疗设备维修及技术咨询。",
    "电力工程设计、施工；新能源技术开发。",
    "道路货物运输；仓储服务；供应链管理。",
]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng: random.Random) -> str:
    return (
        rng.choice(["138", "139", "136", "150", "186", "189", "177"])
        + f"{rng.randrange(10**8):08d}"
    )


def credit_code(rng: random.Random, division: str) -> str:
    body = "91" + division + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_char(body)


def birthday(rng: random.Random) -> date:
    return date(rng.randrange(1962, 1995), rng.randrange(1, 13), rng.randrange(1, 29))
