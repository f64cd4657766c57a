"""The learned components: reading the labelled corpus, training the sentence and
page classifiers with ``spacy train``, and measuring them with site-grouped
cross-validation. Nothing here runs during ``check``; ``extract/learned.py``
loads what training writes."""
