"""A page's <title> is plain text: what the browser's tab and history show, and what a screen
reader says first.

A title holding markup shows it raw in the tab (the title is text to the HTML parser): the
volunteer page once showed its 加入其他组织 form with the CSRF token, and the import job
page `</div>`, because the content meant for the page had been left inside
``{% block title %}``. Every template's title block is read, and the main pages are opened.
"""

import html
import re
from pathlib import Path

import pytest

from linli.core.tests.main_pages import main_paths, main_records

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(ROOT.glob("**/templates/**/*.html"))
TITLE_BLOCK = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)
# Tags and template code that put markup into a block (a plain variable is escaped).
MARKUP = re.compile(r"<[a-zA-Z/!]|{%\s*(include|csrf_token|block)\b|\|\s*safe\b|{{\s*form\b")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def test_no_template_puts_markup_into_its_title():
    blocks = {str(path.relative_to(ROOT)): TITLE_BLOCK.findall(path.read_text())
              for path in TEMPLATES}
    assert sum(len(found) for found in blocks.values()) > 40  # the title blocks were read
    marked = {name: found for name, found in blocks.items()
              if any(MARKUP.search(block) for block in found)}
    assert marked == {}


def test_the_markup_check_finds_the_old_mistakes():
    assert MARKUP.search('{{ person.name }}{% if can_edit %}<h2 class="h6">加入其他组织</h2>'
                         '<form method="post">{% csrf_token %}{% include "core/_form.html" %}')
    assert MARKUP.search("{{ job.filename }}</div>\n")
    assert not MARKUP.search('{% if org %}{% translate "编辑组织" %}{% endif %} · {{ org.name }}')


@pytest.mark.django_db
def test_the_main_pages_have_a_plain_title(personas, as_user):
    records = main_records(personas.village, personas.township,
                           uploaders=[personas.county, personas.township, personas.village])
    problems = []
    for user in (personas.county, personas.township, personas.village):
        client = as_user(user)
        for path in main_paths(records, user):
            response = client.get(path)
            if response.status_code != 200:  # each opens for these three: all are read
                problems.append(f"{user.username} {path}: {response.status_code}")
                continue
            titles = TITLE.findall(response.content.decode())
            text = html.unescape(titles[0]) if len(titles) == 1 else ""
            if len(titles) != 1 or "<" in text or "csrf" in text or not text.endswith(" · 邻里守望"):
                problems.append(f"{user.username} {path}: {titles}")
            elif not text.removesuffix(" · 邻里守望").strip():
                problems.append(f"{user.username} {path}: an empty title")
    assert problems == []
