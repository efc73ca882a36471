#!/usr/bin/env python3
"""Writes the README code block that is fenced as LANG and begins with FIRST_LINE to OUT, so the tests build
exactly what the README shows. Usage: readme_snippet.py README LANG FIRST_LINE OUT"""
import sys

readme, lang, first_line, out = sys.argv[1:5]
text = open(readme, encoding="utf-8").read()
fence = "```" + lang + "\n"
start = text.find(fence + first_line)
if start < 0:
    sys.exit(f"{readme}: no ```{lang} block starting with '{first_line}': the README example the test builds is gone")
start += len(fence)
with open(out, "w", encoding="utf-8") as f:
    f.write(text[start:text.index("```", start)])
