"""Tools for rule-pack authors: annotated rule and cue fixtures, and detection
measurement on labelled sets."""
