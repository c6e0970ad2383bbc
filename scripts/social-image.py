"""The picture that link previews show for every page (``og:image``): 1200 x 630.

    usage: python scripts/social-image.py OUT.png      (`make social-image` runs it)

Drawn here, not by a service: an HTML page with the site's name and
description (from ``mkdocs.yml``) in the system's DejaVu Sans, photographed
by Debian's chromium. The PNG is committed (``docs/assets/social.png``), so a
build neither draws it nor downloads a font; run this again after changing
the site's name or description.
"""

from __future__ import annotations

import argparse
import html
import os
from pathlib import Path

from mkdocs.config import load_config
from playwright.sync_api import sync_playwright

from meetings.browser import launch_args

ROOT = Path(__file__).resolve().parents[1]
SIZE = {"width": 1200, "height": 630}

# Six cards, three by two: the meetings of an event, as the home page shows them.
CARDS = "".join(
    f'<rect x="{x}" y="{y}" width="150" height="110" rx="14" fill="#fff" opacity="{o}"/>'
    f'<rect x="{x + 22}" y="{y + 26}" width="84" height="12" rx="6" fill="#3f51b5"/>'
    f'<rect x="{x + 22}" y="{y + 52}" width="106" height="8" rx="4" fill="#c5cae9"/>'
    f'<rect x="{x + 22}" y="{y + 70}" width="70" height="8" rx="4" fill="#c5cae9"/>'
    for x, y, o in [
        (0, 0, 1), (170, 0, 0.92), (340, 0, 0.84),
        (0, 130, 0.92), (170, 130, 0.84), (340, 130, 0.76),
    ]
)  # fmt: skip

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><style>
  html, body {{ margin: 0; width: 1200px; height: 630px; overflow: hidden; }}
  body {{ background: #3f51b5; color: #fff; font-family: "DejaVu Sans", sans-serif;
         display: flex; flex-direction: column; justify-content: center; padding: 0 72px;
         box-sizing: border-box; }}
  h1 {{ font-size: 76px; line-height: 1.05; margin: 0 0 28px; max-width: 560px;
        letter-spacing: -1px; }}
  p {{ font-size: 28px; line-height: 1.4; margin: 0; max-width: 540px; color: #e8eaf6; }}
  svg {{ position: absolute; right: 72px; top: 185px; }}
  .rule {{ width: 96px; height: 8px; background: #fff; border-radius: 4px; margin-bottom: 36px; }}
</style></head><body>
  <div class="rule"></div>
  <h1>{name}</h1>
  <p>{description}</p>
  <svg width="490" height="240" viewBox="0 0 490 240" aria-hidden="true">{cards}</svg>
</body></html>"""


def draw(out: Path) -> Path:
    """Draw the picture into ``out`` (a PNG) from the site's name and description."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    description = " ".join(config.site_description.split())
    page = PAGE.format(
        name=html.escape(config.site_name),
        description=html.escape(description.split(":")[0]),
        cards=CARDS,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_args())
        try:
            tab = browser.new_page(viewport=SIZE)
            tab.set_content(page)
            tab.screenshot(path=out, animations="disabled")
        finally:
            browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the PNG to write, e.g. docs/assets/social.png")
    print(draw(parser.parse_args().out))


if __name__ == "__main__":
    main()
