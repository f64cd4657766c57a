"""Shared helpers for the corpus tools: where things are, URL normal form, word runs."""
import json
import pathlib
import re
import sys
from urllib.parse import urlsplit

CORPUS = pathlib.Path(__file__).resolve().parent.parent
SHARED_EVAL = CORPUS.parent.parent / "shared" / "eval"
GENRES = {
    "clinic-us", "clinic-abroad", "broker", "press-release", "sponsored", "testimonial",
    "seller-blog", "supplement", "cosmetic", "cord-bank", "hospital", "registry", "charity",
    "patient-education", "regulator", "news", "research", "trial-listing", "insurer", "legal",
    "sports-medicine", "veterinary",
}
CLAIM_CATEGORIES = {
    "unapproved-use", "cure-guarantee", "regeneration-overclaim", "comparative-claim",
    "false-approval", "regulatory-misrepresentation", "safety-overclaim", "rejection-overclaim",
    "evidence-overclaim", "testimonial",
}
PAGE_CATEGORIES = CLAIM_CATEGORIES | {"missing-risk-disclosure", "missing-regulatory-disclaimer"}
RUN = 8  # the shortest run of words shared with a source that counts as copying


def ratio(part: int, whole: int) -> str:
    """A share with its counts, as the record's tables print it: "0.500 (3/6)"."""
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def normalize_url(url: str) -> str:
    """The held-out list's normal form: no scheme, no www., lower-case host, no query, no trailing slash."""
    parts = urlsplit(url.strip() if "://" in url else "http://" + url.strip())
    return parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/")


def held_out(url: str) -> bool:
    sys.path.insert(0, str(SHARED_EVAL))
    try:
        from heldout_urls import is_held_out
    except ImportError:  # shared/ is absent: nothing can be checked, so nothing may be added
        raise SystemExit(f"cannot read the held-out list in {SHARED_EVAL}")
    return is_held_out(url)


def development_urls() -> set[str]:
    """URLs of the shared development sets: pages there stay out of the corpus."""
    urls = set()
    for path in SHARED_EVAL.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and (url := json.loads(line).get("url")):
                urls.add(normalize_url(url))
    return urls


def corpus_pages():
    for path in sorted((CORPUS / "pages").glob("*/*.json")):
        yield path, json.loads(path.read_text(encoding="utf-8"))


# Typographic apostrophes count as the plain one: a source's "baby’s" and a paraphrase's
# "baby's" are the same word, or a copied run would hide behind the keyboard it was typed on.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"})


def word_runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower().translate(APOSTROPHES))
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def model_variant(model: pathlib.Path, into: pathlib.Path, thresholds) -> pathlib.Path:
    """A model folder at ``into`` that is ``model`` with other decision thresholds: its
    classifiers linked, not copied, and its ``meta.json`` holding ``thresholds(old)``. The
    thresholds only decide what ``check`` does with the scores, so a variant needs no training."""
    into.mkdir(parents=True, exist_ok=True)
    for part in ("sentences", "pages"):
        link = into / part
        if not link.exists():
            link.symlink_to(model.resolve() / part, target_is_directory=True)
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    meta["thresholds"] = thresholds(meta["thresholds"])
    (into / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return into
