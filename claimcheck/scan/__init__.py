"""Batch scanning of crawled websites (``claimcheck scan``).

``inputs`` streams pages from mirror folders, WARC and JSONL; ``content``
keeps a page's main content with exact offsets; ``prefilter`` decides which
pages reach spaCy; ``worker`` checks chunks of pages in a pool process;
``scanner`` runs it all with one writer; ``store`` owns the SQLite results
(schema in ``schema.sql``); ``export`` writes its tables as CSV, JSONL, Parquet.
"""
