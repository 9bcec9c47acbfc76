import pytest

from competitions.markdown import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"></svg>',
    "<iframe src='https://evil.example'></iframe>",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<body onload=alert(1)>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payloads_are_neutralised(payload):
    html = render_markdown(payload).lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onload" not in html
    assert "<iframe" not in html and "<svg" not in html and "<style" not in html
    assert "data:text/html" not in html


def test_ordinary_markdown_survives():
    html = render_markdown(
        "# Title\n\n**bold** and [a link](https://example.org)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert "<table>" in html


def test_remote_images_become_links_and_html_images_are_dropped():
    html = render_markdown(
        "![the map](https://images.example.net/map.png) ![](http://h.example/x.gif) "
        '<img src="https://tracker.example.net/p.gif"> <img src=x onerror=alert(1)>'
    )
    assert "<img" not in html.lower()
    assert '<a href="https://images.example.net/map.png"' in html
    assert ">the map</a>" in html
    assert ">http://h.example/x.gif</a>" in html  # no alt text: the address is the label
    assert "tracker.example.net" not in html
