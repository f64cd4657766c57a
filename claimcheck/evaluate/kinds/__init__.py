"""Check kinds: one module per kind, each with the same small interface.

A kind module exposes ``PARAMETERS`` (the JSON Schema of its ``parameters``
block) and ``compile(rule, pack)``, which returns a callable taking an
``Analysis`` (and the findings so far, for document-level kinds) and yielding
``Hit`` objects. The engine (``claimcheck.evaluate``) turns hits into findings:
severity, message, location, references. New rules should rarely need a new
kind.
"""
