"""Render static/icons/favicon.svg to the PNG icons and favicon.ico (PNGs in an ICO) with Chromium.

Run from the repository root after changing the SVG: .venv/bin/python docs/icons.py
"""
import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = ((16, None), (32, None), (180, "apple-touch-icon.png"), (192, "icon-192.png"), (512, "icon-512.png"))

icons = Path("static/icons")
svg = (icons / "favicon.svg").read_text()
pngs = {}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    for size, name in SIZES:
        page = browser.new_page(viewport={"width": size, "height": size})
        body = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ')
        if name == "apple-touch-icon.png":  # iOS rounds the corners itself: a full square
            body = body.replace('rx="14"', 'rx="0"')
        page.set_content(f"<html><body style='margin:0;background:transparent'>{body}</body></html>")
        data = page.screenshot(omit_background=True)
        pngs[size] = data
        if name:
            (icons / name).write_bytes(data)
        page.close()
    browser.close()
entries = [pngs[16], pngs[32]]
header = struct.pack("<HHH", 0, 1, len(entries))
offset = 6 + 16 * len(entries)
directory = b""
for size, data in zip((16, 32), entries, strict=True):
    directory += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
(icons / "favicon.ico").write_bytes(header + directory + b"".join(entries))
