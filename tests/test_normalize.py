from __future__ import annotations

import pytest

from authenticity.normalize import PLACEHOLDERS, normalize, readable

P = PLACEHOLDERS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３！", "abc123!"),
        ("  many   spaces\t\there ", "many spaces here"),
        ("line one\n\n\n   line two", "line one\nline two"),
        ("see https://shop.example.com/p?id=3 now", f"see {P['url']} now"),
        ("mail me: a.b+c@mail.co.uk", f"mail me: {P['email']}"),
        ("感谢@小鹿在减脂 的推荐", f"感谢 {P['mention']} 的推荐"),
        ("加我 13812345678", f"加我 {P['phone']}"),
        ("到手价¥199", f"到手价 {P['price']}"),
        ("only $29.99 today", f"only {P['price']} today"),
        ("全场5折 满300减50", f"全场 {P['discount']} {P['discount']}"),
        ("50% off everything", f"{P['discount']} everything"),
        ("#好物分享[话题]# #护肤[话题]#", "#好物分享 #护肤"),
        ("#双十一#来了", "#双十一 来了"),
        ("太好看了[赞R][哇R]", "太好看了[赞r][哇r]"),
        ("😍😍 love it", "😍😍 love it"),
    ],
)
def test_normalize_cases(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_traditional_chinese_is_kept() -> None:
    assert normalize("這款眼霜我用了三個禮拜") == "這款眼霜我用了三個禮拜"


def test_controls_surrogates_and_bidi_are_removed() -> None:
    assert normalize("a\x00b\u202ec\ud800d") == "abc\ufffdd"


def test_private_use_input_cannot_fake_a_placeholder() -> None:
    assert P["url"] not in normalize(f"x{P['url']}y")


def test_readable_names_placeholders() -> None:
    assert readable(normalize("link: https://a.com")) == "link: <url>"


def test_rejects_non_strings() -> None:
    with pytest.raises(TypeError, match="expects a str"):
        normalize(None)  # type: ignore[arg-type]


def test_megabyte_post() -> None:
    out = normalize("好" * 1_000_000)
    assert len(out) == 1_000_000


@pytest.mark.parametrize("unit", ["好", "a", "1", "a.", "a@", "1.", "1%", "[赞", "-", "#", "@x "])
def test_no_quadratic_regex_on_long_runs(unit: str) -> None:
    """Long runs of one pattern once made a regex backtrack quadratically (hours on 1 MB)."""
    from authenticity.features import prepare
    from authenticity.signals import signal_values

    d = prepare([unit * (200_000 // len(unit))])[0]
    assert len(signal_values(d.text, d.tokens)) > 0


def test_landline_numbers_with_dashes_become_the_phone_placeholder() -> None:
    from authenticity.normalize import PLACEHOLDERS, normalize

    assert PLACEHOLDERS["phone"] in normalize("电话 010-1234-5678 预约")
    assert PLACEHOLDERS["phone"] in normalize("call 0755-8888-1234")
