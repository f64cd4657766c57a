#!/usr/bin/env python3
"""May a page from this URL enter the corpus? Exit 1 (and say why) when it may not.

A page may not enter when it is held out for measurement, when it is in one of the
shared development sets, or when the corpus already has it.

    python3 corpus/tools/check_url.py URL...
"""
import sys

from common import corpus_pages, development_urls, held_out, normalize_url


def main(urls: list[str]) -> int:
    development = development_urls()
    present = {normalize_url(page.get("url", "")): path for path, page in corpus_pages()}
    refused = 0
    for url in urls:
        key = normalize_url(url)
        reason = ("held out for measurement" if held_out(url)
                  else "in a development set" if key in development
                  else f"already in the corpus ({present[key].name})" if key in present
                  else None)
        if reason:
            refused += 1
            print(f"{url}: {reason}")
        else:
            print(f"{url}: ok")
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
