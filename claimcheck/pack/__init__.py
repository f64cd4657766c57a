"""The rule pack: discovering and validating its YAML files (rules, knowledge base,
lexicon, cues), the JSON Schemas they follow, and the per-rule documentation."""
