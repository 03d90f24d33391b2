"""Name keys for duplicate detection of Chinese company names.

``name_key`` treats as equal: full-/half-width forms, spaces, brackets, letter case and the
legal-form suffixes (股份有限公司, 有限责任公司, 有限公司, 集团, 公司, ...). A branch (分公司, 分行,
支行, 办事处, ...) stays part of the key, so a branch is a customer of its own, but
``base_key`` (the head office's key) lets the duplicate check point at relatives.
"""

import re
import unicodedata

_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "总公司",
    "集团",
    "公司",
    "coltd",
    "co.,ltd.",
    "co.ltd",
    "limited",
    "ltd",
    "inc",
)
_BRANCH_RE = re.compile(
    r"^(?P<base>.+(?:公司|集团|银行|医院|局|院|厂|中心))(?P<branch>.+?(?:分公司|分行|支行|分院|办事处|营业部|分厂|分中心))$"
)
_DROP = re.compile(r"[\s()\[\]{}<>【】〔〕「」『』《》\"'“”‘’·・,，.。、\-_/]+")


def _clean(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").lower()
    return _DROP.sub("", text)


def _strip_suffixes(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
                break
    return text


def split_branch(name: str) -> tuple[str, str]:
    text = _clean(name)
    match = _BRANCH_RE.match(text)
    if match:
        return match.group("base"), match.group("branch")
    return text, ""


def name_key(name: str) -> str:
    base, branch = split_branch(name)
    key = _strip_suffixes(base)
    return f"{key}#{branch}" if branch else key


def base_key(name: str) -> str:
    base, _branch = split_branch(name)
    return _strip_suffixes(base)
