"""The language server behind ``claimcheck lsp``: findings as diagnostics while a
writer types, the rule's documentation on hover, safer wording as a quick fix.

``positions`` maps offsets to LSP positions, ``checking`` runs one open
document through the same lint path as ``claimcheck check``, ``server`` speaks
the protocol (pygls). pygls is an optional dependency (the ``lsp`` extra).
"""
